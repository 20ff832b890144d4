// OPNsense aliases, new-style filter rules (one interface per rule) and source NAT, from the policy form.
import { UserError } from '../../../errors.ts';
import { uuidV5 } from '../../../tree/serialize/uuid.ts';
import { type Assignment, keyOf, portAliasName } from '../pf/assign.ts';
import { FIREWALL, INTERNET, type Policy, type PolicyRule, PRIVATE_NETS } from '../policy/types.ts';

/** Alias holding every private range: "internet" is "not this alias". */
export const PRIVATE_ALIAS = 'private_nets';
/** OPNsense's DescriptionField limit. */
const MAX_DESCRIPTION = 255;
/** Rules of one interface occupy one block of sequence numbers, so interfaces never interleave. */
const SEQUENCE_BLOCK = 10_000;
const SEQUENCE_STEP = 10;
/** OPNsense's FilterSequenceField maximum (Firewall/Filter.xml in 26.7.2). */
const MAX_SEQUENCE = 999_999;

type Xml = Record<string, unknown>;

/** Truncates to OPNsense's description length. */
export function description(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

const PROTOCOL = { tcp: 'TCP', udp: 'UDP', icmp: 'ICMP', any: 'any' } as const;

function alias(
  name: string,
  type: 'host' | 'network' | 'port',
  content: readonly string[],
  descr: string,
): Xml {
  return {
    '@_uuid': uuidV5(`opnsense/alias/${name}`),
    enabled: '1',
    name,
    type,
    counters: '0',
    content: content.join('\n'),
    description: description(descr),
  };
}

/** Host aliases for the policy's sets, the private-range alias, and one port alias per multi-port list. */
export function aliases(policy: Policy): Xml[] {
  const out = [
    alias(
      PRIVATE_ALIAS,
      'network',
      PRIVATE_NETS,
      'Private address space: everything that is not the internet',
    ),
  ];
  for (const s of policy.sets) out.push(alias(s.name, 'host', s.addresses, s.description));
  const portLists = new Map<string, number[]>();
  for (const r of policy.rules) if (r.ports.length > 1) portLists.set(portAliasName(r.ports), r.ports);
  for (const [name, ports] of [...portLists].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push(alias(name, 'port', ports.map(String), `ports ${ports.join(', ')}`));
  }
  return out;
}

function destination(rule: PolicyRule, assignments: readonly Assignment[]): { net: string; not: boolean } {
  if (rule.toAddrs) return { net: rule.toAddrs, not: false };
  if (rule.to === FIREWALL) return { net: '(self)', not: false };
  if (rule.to === INTERNET) return { net: PRIVATE_ALIAS, not: true };
  if (rule.to === 'any') return { net: 'any', not: false };
  return { net: keyOf(assignments, rule.to), not: false };
}

function filterRule(rule: PolicyRule, sequence: number, assignments: readonly Assignment[]): Xml {
  if (rule.protocol === 'icmp' && rule.icmpType && rule.icmpType !== 'echo-request') {
    throw new UserError(
      `OPNsense backend: rule ${rule.id} matches ICMP type ${rule.icmpType}, which it cannot express`,
    );
  }
  const dst = destination(rule, assignments);
  const port =
    rule.ports.length === 0
      ? ''
      : rule.ports.length === 1
        ? String(rule.ports[0])
        : portAliasName(rule.ports);
  return {
    '@_uuid': uuidV5(`opnsense/rule/${rule.id}`),
    enabled: '1',
    statetype: 'keep',
    'state-policy': '',
    sequence: String(sequence),
    action: rule.action,
    quick: '1',
    interfacenot: '0',
    interface: keyOf(assignments, rule.from),
    direction: 'in',
    // Default deny also covers IPv6, which the site does not route.
    ipprotocol: rule.origin === 'default' ? 'inet46' : 'inet',
    protocol: PROTOCOL[rule.protocol],
    icmptype: rule.protocol === 'icmp' && rule.icmpType ? 'echoreq' : '',
    source_net: rule.fromAddrs ?? 'any',
    source_not: '0',
    source_port: '',
    destination_net: dst.net,
    destination_not: dst.not ? '1' : '0',
    destination_port: port,
    disablereplyto: '0',
    log: rule.log ? '1' : '0',
    allowopts: '0',
    nosync: '0',
    nopfsync: '0',
    tcpflags_any: '0',
    description: description(`${rule.why} [${rule.id}]`),
  };
}

/**
 * Sequence numbers per interface, in policy order. Sites that fit get a block of 10,000 per interface (room
 * to insert rules by hand); larger ones are numbered contiguously, interface after interface, which keeps
 * the order each interface needs within OPNsense's maximum.
 */
function sequences(counts: readonly number[]): (index: number, i: number) => number {
  const fitsBlocks =
    (counts.length + 1) * SEQUENCE_BLOCK <= MAX_SEQUENCE &&
    counts.every((n) => (n + 1) * SEQUENCE_STEP < SEQUENCE_BLOCK);
  if (fitsBlocks) return (index, i) => (index + 1) * SEQUENCE_BLOCK + (i + 1) * SEQUENCE_STEP;
  const total = counts.reduce((a, b) => a + b, 0);
  const step = total * SEQUENCE_STEP <= MAX_SEQUENCE ? SEQUENCE_STEP : 1;
  if (total * step > MAX_SEQUENCE) {
    throw new UserError(
      `OPNsense backend: the policy has ${total} filter rules, more than OPNsense's sequence numbers (${MAX_SEQUENCE}) can order`,
      [
        '  hint: fewer VLANs in network.vlans, or flows that name fewer hosts; or choose another firewall platform',
      ],
    );
  }
  const start: number[] = [];
  counts.reduce((at, n, index) => {
    start[index] = at;
    return at + n;
  }, 0);
  return (index, i) => (start[index]! + i + 1) * step;
}

/** One rule per policy rule, each on exactly one interface, sequenced per interface in policy order. */
export function filterRules(policy: Policy, assignments: readonly Assignment[]): Xml[] {
  const out: Xml[] = [];
  const byZone = new Map<string, PolicyRule[]>(assignments.map((a) => [a.zone.name, []]));
  for (const r of policy.rules) byZone.get(r.from)?.push(r);
  const perZone = assignments.map((a) => byZone.get(a.zone.name)!);
  const sequence = sequences(perZone.map((rules) => rules.length));
  perZone.forEach((rules, index) => {
    rules.forEach((r, i) => {
      out.push(filterRule(r, sequence(index, i), assignments));
    });
  });
  const placed = new Set(assignments.map((a) => a.zone.name));
  const orphan = policy.rules.find((r) => !placed.has(r.from));
  if (orphan)
    throw new Error(`OPNsense backend: rule ${orphan.id} comes from unassigned zone ${orphan.from}`);
  return out;
}

/** Outbound NAT to the WAN address for every zone the policy lets out. */
export function snatRules(policy: Policy): Xml[] {
  return policy.nat.map((n, i) => ({
    '@_uuid': uuidV5(`opnsense/snat/${n.zone}`),
    enabled: '1',
    nonat: '0',
    nosync: '0',
    sequence: String((i + 1) * SEQUENCE_STEP),
    interface: 'wan',
    ipprotocol: 'inet',
    protocol: 'any',
    source_net: n.cidr,
    source_not: '0',
    source_port: '',
    destination_net: 'any',
    destination_not: '0',
    destination_port: '',
    target: 'wanip',
    target_port: '',
    log: '0',
    description: description(`Outbound NAT for ${n.zone}`),
  }));
}
