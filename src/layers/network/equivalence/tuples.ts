// Normalized rule tuples: what every backend's output is parsed back into, to prove it equals the policy.
import { sortAddresses } from '../../../net/ipam.ts';
import type { Policy, PolicyRule, RuleProtocol } from '../policy/types.ts';

/**
 * One rule, one destination port. Sets are replaced by their addresses so backends that inline addresses, or
 * name sets differently, still compare equal. Per zone, tuples are in evaluation order (first match wins).
 */
export interface PolicyTuple {
  /** Zone the traffic enters from (VLAN name or 'wan'). */
  from: string;
  /** '*' for any source in the zone, else sorted comma-joined IPv4 addresses. */
  src: string;
  /** A zone name, 'firewall', 'internet' or 'any'. */
  to: string;
  /** '*' for the whole destination, else sorted comma-joined IPv4 addresses. */
  dst: string;
  protocol: RuleProtocol;
  /** Destination port; null = every port or not applicable (icmp, any). */
  port: number | null;
  /** ICMP type matched, null when not icmp or every type. */
  icmpType: string | null;
  action: 'pass' | 'block';
  log: boolean;
}

/** Joins addresses the way tuples hold them; undefined or empty means '*'. */
export function addrKey(addresses: readonly string[] | undefined): string {
  return addresses && addresses.length > 0 ? sortAddresses(addresses).join(',') : '*';
}

/** Expands one rule into tuples (one per port), given a lookup from set name to addresses. */
export function ruleTuples(
  rule: PolicyRule,
  setAddresses: (name: string) => readonly string[],
): PolicyTuple[] {
  return perPort(
    {
      from: rule.from,
      src: rule.fromAddrs ? addrKey(setAddresses(rule.fromAddrs)) : '*',
      to: rule.to,
      dst: rule.toAddrs ? addrKey(setAddresses(rule.toAddrs)) : '*',
      protocol: rule.protocol,
      icmpType: rule.protocol === 'icmp' ? (rule.icmpType ?? null) : null,
      action: rule.action,
      log: rule.log,
    },
    rule.ports,
  );
}

/** A rule as tuples, one per destination port; no ports (every port, or none applies) is one tuple with port null. */
export function perPort(rule: Omit<PolicyTuple, 'port'>, ports: readonly (number | null)[]): PolicyTuple[] {
  if (ports.length === 0) return [{ ...rule, port: null }];
  return ports.map((port) => ({ ...rule, port }));
}

/** The tuples the policy stands for, in evaluation order. */
export function policyTuples(policy: Policy): PolicyTuple[] {
  const sets = new Map(policy.sets.map((s) => [s.name, s.addresses]));
  const lookup = (name: string) => {
    const s = sets.get(name);
    if (!s) throw new Error(`policy references unknown address set ${name}`);
    return s;
  };
  return policy.rules.flatMap((r) => ruleTuples(r, lookup));
}

/** One line per tuple, for diffs and test messages. */
export function formatTuple(t: PolicyTuple): string {
  const port = t.port === null ? '' : `:${t.port}`;
  const icmp = t.icmpType ? `/${t.icmpType}` : '';
  return `${t.from}[${t.src}] -> ${t.to}[${t.dst}] ${t.protocol}${port}${icmp} ${t.action}${t.log ? ' log' : ''}`;
}

/**
 * Compares two tuple lists zone by zone, in order (order within a zone is evaluation order). Returns the
 * differences as readable lines; empty means equivalent.
 */
export function diffTuples(expected: readonly PolicyTuple[], actual: readonly PolicyTuple[]): string[] {
  const byZone = (ts: readonly PolicyTuple[]) => {
    const m = new Map<string, string[]>();
    for (const t of ts) m.set(t.from, [...(m.get(t.from) ?? []), formatTuple(t)]);
    return m;
  };
  const e = byZone(expected);
  const a = byZone(actual);
  const out: string[] = [];
  for (const zone of [...new Set([...e.keys(), ...a.keys()])].sort()) {
    const ez = e.get(zone) ?? [];
    const az = a.get(zone) ?? [];
    const n = Math.max(ez.length, az.length);
    for (let i = 0; i < n; i++) {
      if (ez[i] !== az[i]) {
        out.push(`${zone} #${i}: expected ${ez[i] ?? '(nothing)'}, got ${az[i] ?? '(nothing)'}`);
        break;
      }
    }
  }
  return out;
}

/**
 * Orders a zone's tuples the one way every backend can agree on. Rules to the firewall and routed rules match
 * disjoint traffic, so only the order within each kind, and around rules to 'any' (which see both), carries
 * meaning: between two 'any' rules, firewall rules first, then routed ones, each in evaluation order. Backends
 * that keep input and forward chains apart (nftables, VyOS) compare in this order.
 */
export function canonicalOrder(tuples: readonly PolicyTuple[]): PolicyTuple[] {
  const out: PolicyTuple[] = [];
  for (const zone of [...new Set(tuples.map((t) => t.from))]) {
    let fw: PolicyTuple[] = [];
    let routed: PolicyTuple[] = [];
    for (const t of tuples.filter((x) => x.from === zone)) {
      if (t.to === 'any') {
        out.push(...fw, ...routed, t);
        fw = [];
        routed = [];
      } else if (t.to === 'firewall') fw.push(t);
      else routed.push(t);
    }
    out.push(...fw, ...routed);
  }
  return out;
}

/** VLAN tag → zone name: how the pf and VyOS parsers name the zone an interface carries. */
export function zoneByTag(policy: Policy): Map<number, string> {
  return new Map(policy.zones.filter((z) => z.kind === 'vlan').map((z) => [z.tag!, z.name]));
}
