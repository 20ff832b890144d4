// Decides what the policy form says about one packet: the lab's expectation, computed without the ruleset.
import {
  FIREWALL,
  INTERNET,
  type Policy,
  type PolicyRule,
  PRIVATE_NETS,
} from '../layers/network/policy/types.ts';
import { inCidr } from '../net/ipam.ts';

/** A connection attempt as the firewall sees it entering from `from`. */
export interface Packet {
  from: string;
  src: string;
  dst: string;
  proto: 'tcp' | 'udp' | 'icmp';
  port: number | null;
}

export interface Verdict {
  action: 'pass' | 'block';
  /** The rule that decided, or undefined when nothing matched (the chain's drop policy). */
  rule?: string;
}

/** Where a destination address lies: a zone, the firewall, or the internet. */
export function destinationOf(policy: Policy, firewallAddresses: ReadonlySet<string>, dst: string): string {
  if (firewallAddresses.has(dst)) return FIREWALL;
  const zone = policy.zones.find((z) => z.cidr && inCidr(dst, z.cidr));
  if (zone) return zone.name;
  if (PRIVATE_NETS.some((n) => inCidr(dst, n))) return 'unrouted';
  return INTERNET;
}

function matches(policy: Policy, r: PolicyRule, p: Packet, to: string): boolean {
  const inSet = (name: string | undefined, addr: string) =>
    name === undefined || (policy.sets.find((s) => s.name === name)?.addresses.includes(addr) ?? false);
  if (r.from !== p.from) return false;
  if (r.to !== 'any' && r.to !== to) return false;
  if (!inSet(r.fromAddrs, p.src) || !inSet(r.toAddrs, p.dst)) return false;
  if (r.protocol !== 'any' && r.protocol !== p.proto) return false;
  if (r.ports.length > 0 && (p.port === null || !r.ports.includes(p.port))) return false;
  // The lab's ICMP probes are echo requests.
  return true;
}

/** First match wins, per source zone; no match is the default drop. */
export function evaluate(policy: Policy, firewallAddresses: ReadonlySet<string>, p: Packet): Verdict {
  const to = destinationOf(policy, firewallAddresses, p.dst);
  const hit = policy.rules.find((r) => matches(policy, r, p, to));
  return hit ? { action: hit.action, rule: hit.id } : { action: 'block' };
}
