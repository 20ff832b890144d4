// docs/network-policy.md: the VLAN × VLAN matrix with ports, every rule, and what the firewall does not see.
import type { Site } from '../../site/types.ts';
import { GENERATED_NOTICE } from '../../tree/serialize/header.ts';
import { code, doc, range, table } from '../markdown.ts';
import { LIMITED_EGRESS_PORTS } from './policy/compile.ts';
import { FIREWALL, INTERNET, type Policy, type PolicyRule } from './policy/types.ts';

export const NETWORK_POLICY_MD_PATH = 'docs/network-policy.md';

/** What passes from one zone to one destination, e.g. `tcp 9100, 8006 (some hosts); udp 53`. */
function cellText(rules: readonly PolicyRule[]): string {
  const passes = rules.filter((r) => r.action === 'pass');
  if (passes.length === 0) return '—';
  if (passes.some((r) => r.protocol === 'any' && !r.fromAddrs && !r.toAddrs)) return 'all';
  const parts = new Map<string, { ports: Set<number>; some: boolean; log: boolean }>();
  for (const r of passes) {
    const key = r.protocol === 'icmp' ? 'ping' : r.protocol;
    const p = parts.get(key) ?? { ports: new Set<number>(), some: false, log: false };
    for (const port of r.ports) p.ports.add(port);
    p.some ||= Boolean(r.fromAddrs || r.toAddrs);
    p.log ||= r.log;
    parts.set(key, p);
  }
  return [...parts]
    .map(([proto, p]) => {
      const ports = [...p.ports].sort((a, b) => a - b).join(', ');
      return `${proto}${ports ? ` ${ports}` : ''}${p.some ? ' (some hosts)' : ''}${p.log ? ' (logged)' : ''}`;
    })
    .join('; ');
}

/** Above this many VLANs a matrix is unreadable (and quadratic in size): each VLAN lists what it reaches instead. */
export const MAX_MATRIX_VLANS = 40;

/** Rules grouped by source and destination zone, built once (a filter per cell is quadratic in rules × cells). */
function rulesByCell(policy: Policy): Map<string, PolicyRule[]> {
  const cells = new Map<string, PolicyRule[]>();
  for (const r of policy.rules) {
    const key = `${r.from}\u0000${r.to}`;
    const list = cells.get(key);
    if (list) list.push(r);
    else cells.set(key, [r]);
  }
  return cells;
}

function matrix(policy: Policy): string {
  const vlans = policy.zones.filter((z) => z.kind === 'vlan');
  const cols = [FIREWALL, ...vlans.map((z) => z.name), INTERNET];
  const cells = rulesByCell(policy);
  const rows = policy.zones.map((from) => [
    from.kind === 'wan' ? 'wan (internet)' : from.name,
    ...cols.map((to) =>
      to === from.name ? 'same VLAN' : cellText(cells.get(`${from.name}\u0000${to}`) ?? []),
    ),
  ]);
  return table(['from \\ to', ...cols], rows);
}

/** The matrix as lists: for each source, only the destinations it may reach (the rest is denied). */
function reachLists(policy: Policy): string {
  const cells = rulesByCell(policy);
  const dests = [FIREWALL, ...policy.zones.filter((z) => z.kind === 'vlan').map((z) => z.name), INTERNET];
  const rows: string[][] = [];
  for (const from of policy.zones) {
    for (const to of dests) {
      if (to === from.name) continue;
      const text = cellText(cells.get(`${from.name}\u0000${to}`) ?? []);
      if (text !== '—') rows.push([from.kind === 'wan' ? 'wan (internet)' : from.name, to, text]);
    }
  }
  return table(['from', 'to', 'passes'], rows);
}

function ruleRows(policy: Policy, sets: Map<string, string[]>): string {
  const addrs = (name?: string) => (name ? `${name} (${sets.get(name)?.join(', ') ?? '?'})` : 'any');
  return table(
    ['#', 'from', 'source', 'to', 'destination', 'protocol', 'ports', 'action', 'log', 'why'],
    policy.rules.map((r, i) => [
      i + 1,
      r.from,
      addrs(r.fromAddrs),
      r.to,
      addrs(r.toAddrs),
      r.protocol === 'icmp' ? `icmp ${r.icmpType ?? ''}`.trim() : r.protocol,
      r.ports.join(', '),
      r.action,
      r.log ? 'yes' : '',
      r.why,
    ]),
  );
}

/** The generated policy document. Pure. */
export function renderNetworkPolicyMd(site: Site, policy: Policy): string {
  const sets = new Map(policy.sets.map((s) => [s.name, s.addresses]));
  const zones = table(
    ['VLAN', 'tag', 'subnet', 'gateway', 'DHCP pool', 'internet'],
    site.vlans.map((v) => [v.name, v.id, code(v.cidr), code(v.gateway), range(v.dhcpRange), v.internet]),
  );
  const unenforced =
    policy.unenforced.length === 0
      ? 'None.'
      : table(
          ['flow', 'why the firewall does not see it'],
          policy.unenforced.map((u) => [code(u.flowId), u.reason]),
        );
  return doc([
    `<!-- ${GENERATED_NOTICE} -->`,
    `# Network policy of ${site.name}`,
    `Firewall: ${code(site.firewall.host)} (${site.firewall.platform}). Generated from the service catalog's flows; ` +
      'the same policy is compiled to every firewall backend and proven equal to it by parsing each output back.',
    '## Baseline',
    [
      '- **Default deny.** Whatever no rule below passes is dropped, and logged (except unsolicited traffic from the internet).',
      '- **Stateful.** Return traffic of a passed connection is allowed by connection state; no rule is needed for replies.',
      '- **Every VLAN** reaches the firewall for DNS (53 tcp/udp), NTP (123 udp) and DHCP (67 udp, where DHCP is served).',
      '- **ICMP.** Every VLAN may ping its gateway; ICMP errors (unreachable, fragmentation needed) pass with the connection they belong to. ' +
        'Ping between VLANs follows the flows, and management pings everything.',
      '- **Management** reaches the firewall and every other VLAN on every port.',
      `- **Internet egress** per VLAN: yes = everything outside private space; limited = tcp ${LIMITED_EGRESS_PORTS.join(', ')} only, logged (the security VLAN, which reaches nothing internal); no = none.`,
      '- **IPv4 only.** IPv6 is not routed between VLANs.',
    ].join('\n'),
    '## VLANs',
    zones,
    '## Matrix',
    ...(policy.zones.filter((z) => z.kind === 'vlan').length <= MAX_MATRIX_VLANS
      ? [
          'Rows are where traffic enters the firewall, columns where it goes. "some hosts" means the rule names specific addresses (listed under Rules).',
          matrix(policy),
        ]
      : [
          `With more than ${MAX_MATRIX_VLANS} VLANs a matrix would be unreadable: each source lists only the destinations it may reach; every pair not listed is denied. "some hosts" means the rule names specific addresses (listed under Rules).`,
          reachLists(policy),
        ]),
    '## Rules',
    'In evaluation order per VLAN: first match wins.',
    ruleRows(policy, sets),
    '## Flows the firewall does not enforce',
    unenforced,
  ]);
}
