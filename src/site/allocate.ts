// Allocates addresses, VM ids, MACs and VM placements; locked values win, new ones take the lowest free.
import { createHash } from 'node:crypto';
import { UserError } from '../errors.ts';
import { MinHeap } from '../kernel/min-heap.ts';
import { intToIp, ipToInt } from '../net/ipam.ts';
import { DEFAULTS } from '../spec/defaults.ts';
import type { HostRequest } from './contribution.ts';
import type { LockBook } from './lock.ts';
import type { Vlan } from './types.ts';

/** Hands out addresses from a VLAN range, skipping every address that is taken or reserved. */
export class RangePool {
  readonly #used = new Set<number>();
  /** Every address below this one is known to be used, so next() never rescans the start of the range. */
  #cursor: number | undefined;

  constructor(
    readonly vlan: Vlan,
    readonly range: [string, string],
    readonly what: string,
  ) {}

  reserve(ip: string): void {
    this.#used.add(ipToInt(ip));
  }

  inRange(ip: string): boolean {
    const n = ipToInt(ip);
    return n >= ipToInt(this.range[0]) && n <= ipToInt(this.range[1]);
  }

  isFree(ip: string): boolean {
    return !this.#used.has(ipToInt(ip));
  }

  next(key: string): string {
    const end = ipToInt(this.range[1]);
    for (let n = this.#cursor ?? ipToInt(this.range[0]); n <= end; n++) {
      if (!this.#used.has(n)) {
        this.#used.add(n);
        this.#cursor = n + 1;
        return intToIp(n);
      }
    }
    throw new UserError(
      `VLAN ${this.vlan.name} (${this.vlan.cidr}) has no free ${this.what} address left for ${key} (range ${this.range[0]}-${this.range[1]})`,
      [
        `  hint: give network.vlans[name=${this.vlan.name}] a larger cidr, e.g. /${Math.max(8, this.vlan.prefix - 1)}, or move hosts to another VLAN`,
      ],
    );
  }
}

/**
 * Addresses for keyed requests in three passes, so adding a request never moves another:
 * fixed addresses first, then locked ones still valid, then the lowest free for the rest.
 */
export function allocateAddresses(
  requests: { key: string; vlan: Vlan; fixed?: string }[],
  pools: Map<string, RangePool>,
  book: LockBook,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of requests) {
    if (!r.fixed) continue;
    out.set(r.key, r.fixed);
    pools.get(r.vlan.name)!.reserve(r.fixed);
  }
  // Everything the old lock held stays reserved for this run: a removed host's address is not
  // handed to a new one in the same render, which keeps ARP caches and DNS from confusing the two.
  for (const r of requests) {
    if (out.has(r.key)) continue;
    const locked = book.previous('addresses', r.key);
    const pool = pools.get(r.vlan.name)!;
    if (locked && pool.inRange(locked) && pool.isFree(locked)) {
      out.set(r.key, locked);
      pool.reserve(locked);
    }
  }
  for (const ip of book.previousValues('addresses')) {
    for (const pool of pools.values()) if (pool.inRange(ip)) pool.reserve(ip);
  }
  for (const r of requests) {
    if (out.has(r.key)) continue;
    out.set(r.key, pools.get(r.vlan.name)!.next(r.key));
  }
  for (const [key, ip] of out) book.record('addresses', key, ip);
  return out;
}

/** Proxmox VM ids: pinned ones (beelab.yaml compute.vms) first, locked ones kept, new ones the lowest free from 100. */
export function allocateVmids(
  names: string[],
  book: LockBook,
  pins: ReadonlyMap<string, number> = new Map(),
): Map<string, number> {
  const out = new Map<string, number>();
  const used = new Set<number>();
  for (const name of names) {
    const id = pins.get(name);
    if (id !== undefined && !used.has(id)) {
      out.set(name, id);
      used.add(id);
    }
  }
  for (const name of names) {
    if (out.has(name)) continue;
    const id = book.previous('vmids', `vm/${name}`);
    if (id !== undefined && !used.has(id)) {
      out.set(name, id);
      used.add(id);
    }
  }
  let next = 100;
  for (const name of names) {
    if (out.has(name)) continue;
    while (used.has(next)) next++;
    out.set(name, next);
    used.add(next);
  }
  for (const [name, id] of out) book.record('vmids', `vm/${name}`, id);
  return out;
}

/** VM MACs in Proxmox's bc:24:11 prefix, derived from site and VM name so they are stable even before locking. */
export function allocateMacs(site: string, names: string[], book: LockBook): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    const locked = book.previous('macs', `vm/${name}`);
    if (locked && !used.has(locked)) {
      out.set(name, locked);
      used.add(locked);
    }
  }
  for (const name of names) {
    if (out.has(name)) continue;
    for (let salt = 0; ; salt++) {
      const h = createHash('sha256').update(`${site}/${name}/${salt}`).digest();
      const mac = `bc:24:11:${[h[0], h[1], h[2]].map((b) => b!.toString(16).padStart(2, '0')).join(':')}`;
      if (!used.has(mac)) {
        out.set(name, mac);
        used.add(mac);
        break;
      }
    }
  }
  for (const [name, mac] of out) book.record('macs', `vm/${name}`, mac);
  return out;
}

/** Memory each Proxmox node keeps for itself (ZFS ARC, the hypervisor). */
export const HOST_RESERVED_GB = DEFAULTS.compute.reservedGb;

/**
 * Places VMs on Proxmox nodes: a pinned one (beelab.yaml compute.vms) on its node; a locked placement stays
 * while its node exists; a new VM goes where fewest of its group already run, then where most memory is free,
 * so replicas spread out.
 */
export function placeVms(
  vms: HostRequest[],
  nodes: { name: string; memoryGb: number }[],
  book: LockBook,
  pins: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const out = new Map<string, string>();
  const free = new Map(nodes.map((n) => [n.name, n.memoryGb - HOST_RESERVED_GB]));
  /** group → node → how many of the group's VMs run there. */
  const groups = new Map<string, Map<string, number>>();
  const place = (v: HostRequest, node: string) => {
    out.set(v.name, node);
    free.set(node, free.get(node)! - v.vm!.memoryGb);
    let g = groups.get(v.vm!.group);
    if (!g) {
      g = new Map();
      groups.set(v.vm!.group, g);
    }
    g.set(node, (g.get(node) ?? 0) + 1);
  };
  for (const v of vms) {
    const pinned = pins.get(v.name);
    if (pinned && free.has(pinned)) place(v, pinned);
  }
  for (const v of vms) {
    if (out.has(v.name)) continue;
    const locked = book.previous('placements', `vm/${v.name}`);
    if (locked && free.has(locked)) place(v, locked);
  }
  // Consecutive VMs of one group (talos-w1..w250) are placed from a heap of nodes ordered by how many
  // of the group they run, then by free memory, then by node order: O(log n) per VM instead of a scan.
  let heap: MinHeap<HeapNode> | undefined;
  let heapGroup: string | undefined;
  for (const v of vms) {
    if (out.has(v.name)) continue;
    const group = v.vm!.group;
    if (!heap || heapGroup !== group) {
      const g = groups.get(group);
      heap = new MinHeap(placementOrder);
      for (const [i, n] of nodes.entries())
        heap.push({ name: n.name, index: i, count: g?.get(n.name) ?? 0, free: free.get(n.name)! });
      heapGroup = group;
    }
    const best = heap.pop()!;
    place(v, best.name);
    heap.push({ ...best, count: best.count + 1, free: free.get(best.name)! });
  }
  for (const [name, node] of out) book.record('placements', `vm/${name}`, node);
  return out;
}

interface HeapNode {
  name: string;
  index: number;
  count: number;
  free: number;
}

/** Fewest VMs of the group first, then most free memory, then node order. */
function placementOrder(a: HeapNode, b: HeapNode): number {
  if (a.count !== b.count) return a.count < b.count ? -1 : 1;
  if (a.free !== b.free) return a.free > b.free ? -1 : 1;
  return a.index < b.index ? -1 : a.index > b.index ? 1 : 0;
}
