// Keeps the spec consistent after answers move things: addresses outside a new supernet, references to removed hosts.
import { inCidr } from '../net/ipam.ts';
import type { Spec } from '../spec/schema.ts';

/** Inside the range; an address or range that does not parse is never inside. */
function inside(address: string, cidr: string): boolean {
  try {
    return inCidr(address, cidr);
  } catch {
    return false;
  }
}

/**
 * Sets the supernet. VLAN subnets and static addresses that fall outside it are dropped, so the
 * resolver carves and allocates them afresh inside the new range instead of reporting a conflict.
 */
export function setSupernet(spec: Spec, supernet: string): void {
  spec.network ??= {};
  spec.network.supernet = supernet;
  for (const vlan of spec.network.vlans ?? []) {
    if (vlan.cidr && !inside(vlan.cidr.split('/')[0]!, supernet)) delete vlan.cidr;
  }
  const hosts = [...(spec.nodes ?? []), ...(spec.ai?.nodes ?? []), ...(spec.watchdogs ?? [])];
  for (const host of hosts) if (host.address && !inside(host.address, supernet)) delete host.address;
}

/** Drops references to hosts that no longer exist: watchdog targets (and watchdogs left with none), the UPS host. */
export function dropReferences(spec: Spec, removed: readonly string[]): void {
  if (removed.length === 0) return;
  const gone = new Set(removed);
  if (spec.watchdogs) {
    spec.watchdogs = spec.watchdogs
      .map((w) => ({ ...w, targets: w.targets.filter((t) => !gone.has(t)) }))
      .filter((w) => w.targets.length > 0);
  }
  if (spec.ups?.host && gone.has(spec.ups.host)) delete spec.ups.host;
}
