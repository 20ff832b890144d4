// Carves VLAN subnets from the supernet (locked by vlan/<name>) and lays out each subnet's ranges.
import { UserError } from '../errors.ts';
import { at, containsNet, formatNet, type Net, overlaps, parseCidr } from '../net/ipam.ts';
import type { Spec } from '../spec/schema.ts';
import type { LockBook } from './lock.ts';
import type { Vlan } from './types.ts';

type VlanSpec = NonNullable<NonNullable<Spec['network']>['vlans']>[number];

/**
 * Splits a subnet into gateway, VIP, static, DHCP and pool ranges. On a /24: .1 gateway, .2-.9 VIPs,
 * .10-.99 static, .100-.199 DHCP, .200-.254 load-balancer pool; larger and smaller subnets scale.
 */
export function layout(
  net: Net,
  dhcp: boolean,
): Pick<Vlan, 'gateway' | 'vipRange' | 'staticRange' | 'dhcpRange' | 'poolRange'> {
  const last = net.size - 2;
  if (net.size < 64) {
    // Too small to split usefully: VIPs take two addresses, everything else is static.
    const vipEnd = Math.min(3, last);
    return {
      gateway: at(net, 1),
      vipRange: [at(net, 2), at(net, vipEnd)],
      staticRange: [at(net, Math.min(vipEnd + 1, last)), at(net, last)],
    };
  }
  const unit = net.size / 256;
  const vipEnd = Math.max(3, Math.floor(10 * unit) - 1);
  const staticEnd = Math.floor(100 * unit) - 1;
  const dhcpEnd = Math.floor(200 * unit) - 1;
  if (!dhcp) {
    return {
      gateway: at(net, 1),
      vipRange: [at(net, 2), at(net, vipEnd)],
      staticRange: [at(net, vipEnd + 1), at(net, dhcpEnd)],
      poolRange: [at(net, dhcpEnd + 1), at(net, last)],
    };
  }
  return {
    gateway: at(net, 1),
    vipRange: [at(net, 2), at(net, vipEnd)],
    staticRange: [at(net, vipEnd + 1), at(net, staticEnd)],
    dhcpRange: [at(net, staticEnd + 1), at(net, dhcpEnd)],
    poolRange: [at(net, dhcpEnd + 1), at(net, last)],
  };
}

/** Resolves every VLAN's subnet: explicit cidr, else the locked one, else carved from the supernet. */
export function resolveVlans(specVlans: VlanSpec[], supernet: Net, book: LockBook): Vlan[] {
  const taken: Net[] = [];
  const chosen = new Map<string, Net>();
  for (const v of specVlans) {
    const explicit = v.cidr ? parseCidr(v.cidr) : undefined;
    if (explicit) chosen.set(v.name, explicit);
  }
  for (const v of specVlans) {
    if (chosen.has(v.name)) continue;
    const locked = book.previous('subnets', `vlan/${v.name}`);
    const net = locked ? parseCidr(locked) : undefined;
    if (net && containsNet(supernet, net) && ![...chosen.values()].some((c) => overlaps(c, net))) {
      chosen.set(v.name, net);
    }
  }
  taken.push(...chosen.values());
  // Locked subnets of VLANs that no longer exist stay reserved only while in the old lock; free now.
  for (const v of specVlans) {
    if (chosen.has(v.name)) continue;
    const net = carve(v.id, supernet, taken);
    if (!net) {
      throw new UserError(
        `network.vlans: no free /24 left in supernet ${formatNet(supernet)} for VLAN ${v.name}`,
        ['  hint: use a larger supernet (e.g. a /16) or give the VLAN an explicit cidr'],
      );
    }
    chosen.set(v.name, net);
    taken.push(net);
  }
  const slots = interfaceSlots(specVlans, book);
  return specVlans.map((v) => {
    const net = chosen.get(v.name)!;
    const cidr = formatNet(net);
    book.record('subnets', `vlan/${v.name}`, cidr);
    const dhcp = v.dhcp ?? v.purpose !== 'security';
    const internet =
      v.internet === undefined ? (v.purpose === 'security' ? 'limited' : 'yes') : v.internet ? 'yes' : 'no';
    return {
      name: v.name,
      id: v.id,
      purpose: v.purpose,
      cidr,
      prefix: net.prefix,
      dhcp,
      internet,
      ...(slots.has(v.name) ? { ifSlot: slots.get(v.name)! } : {}),
      ...layout(net, dhcp),
    };
  });
}

/**
 * Interface slots for every VLAN but the `lan` one (management, else the first): locked slots kept, new VLANs
 * the lowest slot the old lock does not hold, so adding or removing a VLAN never renumbers another's opt<N>.
 */
function interfaceSlots(specVlans: VlanSpec[], book: LockBook): Map<string, number> {
  const lan = specVlans.find((v) => v.purpose === 'management') ?? specVlans[0];
  const others = specVlans.filter((v) => v !== lan);
  const out = new Map<string, number>();
  const used = new Set<number>();
  for (const v of others) {
    const locked = book.previous('interfaces', `vlan/${v.name}`);
    if (locked !== undefined && !used.has(locked)) {
      out.set(v.name, locked);
      used.add(locked);
    }
  }
  // A removed VLAN's slot stays reserved while the old lock names it: the firewall still has that interface.
  const reserved = new Set([...used, ...book.previousValues('interfaces')]);
  let next = 1;
  for (const v of others) {
    if (out.has(v.name)) continue;
    while (reserved.has(next)) next++;
    out.set(v.name, next);
    reserved.add(next);
  }
  for (const [name, slot] of out) book.record('interfaces', `vlan/${name}`, slot);
  return out;
}

/** A /24 for the VLAN: the one whose third octet is the VLAN id when that is free, else the first free. */
function carve(id: number, supernet: Net, taken: Net[]): Net | undefined {
  const size = 256;
  if (supernet.prefix > 24) return undefined;
  const count = supernet.size / size;
  const free = (i: number): Net | undefined => {
    const net = { base: supernet.base + i * size, prefix: 24, size };
    return taken.some((t) => overlaps(t, net)) ? undefined : net;
  };
  if (id < count) {
    const preferred = free(id);
    if (preferred) return preferred;
  }
  for (let i = 1; i < count; i++) {
    const net = free(i);
    if (net) return net;
  }
  return free(0);
}

/** The VLAN for a purpose, falling back to broader ones when the site has fewer VLANs. */
export function vlanFor(vlans: Vlan[], purpose: Vlan['purpose']): string {
  const chain: Record<Vlan['purpose'], Vlan['purpose'][]> = {
    management: ['management'],
    servers: ['servers', 'management'],
    devops: ['devops', 'servers', 'management'],
    ai: ['ai', 'servers', 'management'],
    security: ['security'],
    clients: ['clients', 'management'],
  };
  for (const p of chain[purpose]) {
    const v = vlans.find((x) => x.purpose === p);
    if (v) return v.name;
  }
  return vlans[0]!.name;
}
