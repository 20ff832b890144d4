// pfSense aliases, filter rules (tracker ids, per-interface order) and outbound NAT, from the policy form.
import { createHash } from 'node:crypto';
import { UserError } from '../../../errors.ts';
import { type Assignment, keyOf, portAliasName } from '../pf/assign.ts';
import { FIREWALL, INTERNET, type Policy, type PolicyRule, PRIVATE_NETS } from '../policy/types.ts';

type Xml = Record<string, unknown>;

/** Alias of every private range; "internet" is "not this alias". */
export const PF_PRIVATE_ALIAS = 'private_nets';
/** pfSense trims descriptions it shows; keep them readable. */
const MAX_DESCR = 200;

const descr = (text: string) => (text.length <= MAX_DESCR ? text : `${text.slice(0, MAX_DESCR - 1)}…`);

/** A stable tracker id from the rule id: pfSense only needs it unique, we need it stable across renders. */
export function trackerOf(ruleId: string): string {
  const n = createHash('sha256').update(`pfsense/${ruleId}`).digest().readUInt32BE(0);
  // Ten digits, like the trackers pfSense generates from timestamps, and never colliding with its own.
  return String(1_000_000_000 + (n % 1_000_000_000));
}

export function pfAliases(policy: Policy): Xml[] {
  const out: Xml[] = [
    {
      name: PF_PRIVATE_ALIAS,
      type: 'network',
      address: PRIVATE_NETS.join(' '),
      descr: 'Private address space: everything that is not the internet',
      detail: PRIVATE_NETS.map(() => '').join('||'),
    },
  ];
  for (const s of policy.sets) {
    out.push({
      name: s.name,
      type: 'host',
      address: s.addresses.join(' '),
      descr: descr(s.description),
      detail: s.addresses.map(() => '').join('||'),
    });
  }
  const ports = new Map<string, number[]>();
  for (const r of policy.rules) if (r.ports.length > 1) ports.set(portAliasName(r.ports), r.ports);
  for (const [name, list] of [...ports].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push({
      name,
      type: 'port',
      address: list.join(' '),
      descr: `ports ${list.join(', ')}`,
      detail: list.map(() => '').join('||'),
    });
  }
  return out;
}

function target(rule: PolicyRule, assignments: readonly Assignment[]): Xml {
  if (rule.toAddrs) return { address: rule.toAddrs };
  if (rule.to === FIREWALL) return { network: '(self)' };
  if (rule.to === INTERNET) return { address: PF_PRIVATE_ALIAS, not: '' };
  if (rule.to === 'any') return { any: '' };
  return { network: keyOf(assignments, rule.to) };
}

function pfRule(rule: PolicyRule, assignments: readonly Assignment[]): Xml {
  if (rule.protocol === 'icmp' && rule.icmpType && rule.icmpType !== 'echo-request') {
    throw new UserError(
      `pfSense backend: rule ${rule.id} matches ICMP type ${rule.icmpType}, which it cannot express`,
    );
  }
  const port =
    rule.ports.length === 0
      ? undefined
      : rule.ports.length === 1
        ? String(rule.ports[0])
        : portAliasName(rule.ports);
  return {
    tracker: trackerOf(rule.id),
    type: rule.action,
    interface: keyOf(assignments, rule.from),
    ipprotocol: rule.origin === 'default' ? 'inet46' : 'inet',
    statetype: 'keep state',
    ...(rule.protocol === 'any' ? {} : { protocol: rule.protocol }),
    ...(rule.protocol === 'icmp' && rule.icmpType ? { icmptype: 'echoreq' } : {}),
    source: rule.fromAddrs ? { address: rule.fromAddrs } : { any: '' },
    destination: { ...target(rule, assignments), ...(port ? { port } : {}) },
    ...(rule.log ? { log: '' } : {}),
    descr: descr(`${rule.why} [${rule.id}]`),
  };
}

/** Rules grouped by interface in assignment order; pfSense evaluates each interface's rules top to bottom. */
export function pfRules(policy: Policy, assignments: readonly Assignment[]): Xml[] {
  const out: Xml[] = [];
  const trackers = new Map<string, string>();
  for (const a of assignments) {
    for (const r of policy.rules.filter((x) => x.from === a.zone.name)) {
      const xml = pfRule(r, assignments);
      const t = xml.tracker as string;
      if (trackers.has(t))
        throw new Error(`pfSense backend: tracker ${t} collides for ${r.id} and ${trackers.get(t)}`);
      trackers.set(t, r.id);
      out.push(xml);
    }
  }
  if (out.length !== policy.rules.length)
    throw new Error('pfSense backend: a rule comes from an unassigned zone');
  return out;
}

/** Hybrid outbound NAT: explicit masquerade rules for the zones the policy lets out. */
export function pfNat(policy: Policy): Xml {
  return {
    outbound: {
      mode: 'hybrid',
      rule: policy.nat.map((n) => ({
        source: { network: n.cidr },
        sourceport: '',
        descr: `Outbound NAT for ${n.zone}`,
        target: '',
        interface: 'wan',
        poolopts: '',
        destination: { any: '' },
      })),
    },
  };
}
