// VyOS configuration as drift compares it: set commands (a natural key each, quotes aside) grouped into items —
// firewall rules, address groups, VLAN interfaces, NAT rules, DHCP scopes and static mappings, DNS records,
// settings — within the subtrees Beelab renders. What VyOS or its installer writes by itself elsewhere (logins,
// console, syslog, SSH service, interface hw-id) is not Beelab's and is left out.
import type { ConfigItem, ItemKind } from './config-items.ts';

/** Words of a `set` command: single-quoted values unquoted ('it''s' does not occur in VyOS output). */
export function setTokens(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out[0] === 'set' ? out.slice(1) : out;
}

/** Subtrees Beelab renders (prefixes of the words after `set`); `*` is any word. */
const OWNED: readonly string[][] = [
  ['firewall'],
  ['nat'],
  ['interfaces', 'ethernet'],
  ['service', 'dhcp-server'],
  ['service', 'dns', 'forwarding'],
  ['service', 'ntp'],
  ['system', 'host-name'],
  ['system', 'domain-name'],
  ['system', 'time-zone'],
  ['system', 'name-server'],
];
/** The NTP service of VyOS's default configuration (config.boot.default), kept by a script that only sets. */
const INSTALLER_NTP = [
  ...[
    '127.0.0.0/8',
    '169.254.0.0/16',
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '::1/128',
    'fe80::/10',
    'fc00::/7',
  ].map((a) => ['service', 'ntp', 'allow-client', 'address', a]),
  ['service', 'ntp', 'server', 'time3.vyos.net'],
];
/**
 * Written by VyOS itself inside those subtrees: the NIC's MAC it found, the offloads it probed, and what its
 * installer's default configuration has there (the rendered script sets, it does not delete).
 */
const SELF: readonly string[][] = [
  ['interfaces', 'ethernet', '*', 'hw-id'],
  ['interfaces', 'ethernet', '*', 'offload'],
  ...INSTALLER_NTP,
];

const matches = (words: readonly string[], pattern: readonly string[]) =>
  words.length >= pattern.length && pattern.every((p, i) => p === '*' || p === words[i]);

/** The `set` lines of a script or of `show configuration commands`, optionally only Beelab's subtrees. */
export function vyosCommandLines(text: string, opts: { ownedOnly?: boolean } = {}): string[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('set '));
  if (!opts.ownedOnly) return lines;
  return lines.filter((l) => {
    const w = setTokens(l);
    return OWNED.some((p) => matches(w, p)) && !SELF.some((p) => matches(w, p));
  });
}

/** Item patterns, the most specific first: the words that name the item, and its kind. */
const ITEMS: readonly [ItemKind, string[]][] = [
  ['rule', ['firewall', 'ipv4', 'name', '*', 'rule', '*']],
  ['rule', ['firewall', 'ipv4', '*', 'filter', 'rule', '*']],
  ['setting', ['firewall', 'ipv4', 'name', '*']],
  ['setting', ['firewall', 'ipv4', '*', 'filter']],
  ['alias', ['firewall', 'group', '*', '*']],
  ['setting', ['firewall', 'global-options']],
  ['vlan', ['interfaces', 'ethernet', '*', 'vif', '*']],
  ['interface', ['interfaces', 'ethernet', '*']],
  ['nat', ['nat', '*', 'rule', '*']],
  ['host', ['service', 'dhcp-server', 'shared-network-name', '*', 'subnet', '*', 'static-mapping', '*']],
  ['dhcp', ['service', 'dhcp-server', 'shared-network-name', '*', 'subnet', '*']],
  ['dhcp', ['service', 'dhcp-server', 'shared-network-name', '*']],
  ['record', ['service', 'dns', 'forwarding', 'authoritative-domain', '*', 'records', '*', '*']],
  ['setting', ['service', 'dns', 'forwarding']],
  ['setting', ['service', 'ntp']],
  ['setting', ['system']],
];

export interface VyosNames {
  /** Interface (eth0, eth1.10) → zone. */
  zoneOfIface: ReadonlyMap<string, string>;
}

interface Raw {
  kind: ItemKind;
  key: string[];
  fields: Map<string, string[]>;
}

/** The items of a set of `set` commands (Beelab's subtrees only), each keyed by the words that name it. */
export function vyosItems(lines: readonly string[], names: VyosNames): ConfigItem[] {
  const raw = new Map<string, Raw>();
  for (const line of lines) {
    const w = setTokens(line);
    if (!OWNED.some((p) => matches(w, p)) || SELF.some((p) => matches(w, p))) continue;
    const [kind, pattern] = ITEMS.find(([, p]) => matches(w, p)) ?? ['setting', w.slice(0, 2)];
    const key = w.slice(0, pattern.length);
    const rest = w.slice(pattern.length);
    // `log`, `authoritative`: a word alone is a switch; otherwise the last word is the value of the path.
    const [path, value] =
      rest.length === 0
        ? ['', 'set']
        : rest.length === 1
          ? [rest[0]!, 'set']
          : [rest.slice(0, -1).join(' '), rest.at(-1)!];
    const id = key.join(' ');
    const item = raw.get(id) ?? { kind, key, fields: new Map() };
    raw.set(id, item);
    const values = item.fields.get(path) ?? [];
    if (!values.includes(value)) values.push(value);
    item.fields.set(path, values);
  }
  const groups = new Map<string, string[]>();
  for (const r of raw.values())
    if (r.kind === 'alias')
      groups.set(r.key[3]!, [...(r.fields.get('address') ?? r.fields.get('network') ?? [])].sort());
  const out: ConfigItem[] = [];
  for (const r of raw.values()) {
    const fields: Record<string, string> = {};
    for (const [k, v] of [...r.fields].sort(([a], [b]) => (a < b ? -1 : 1)))
      if (k) fields[k] = [...v].sort().join(', ');
    // VyOS evaluates a chain's rules by number: the chain is the list, the number the position.
    const order =
      r.kind === 'rule'
        ? { list: r.key[2] === 'name' ? r.key[3]! : `${r.key[2]} filter`, position: Number(r.key.at(-1)) }
        : undefined;
    out.push({
      kind: r.kind,
      uuid: r.key.join(' '),
      fields,
      words: words(r, fields, groups, names),
      ...(order ? { order } : {}),
    });
  }
  return out;
}

function words(
  r: Raw,
  f: Record<string, string>,
  groups: ReadonlyMap<string, string[]>,
  names: VyosNames,
): string {
  const k = r.key;
  const zone = (iface: string) => names.zoneOfIface.get(iface) ?? iface;
  switch (r.kind) {
    case 'rule': {
      if (k[2] !== 'name') {
        const iface = f['inbound-interface name'] ?? '?';
        return `${k[2]} filter rule ${k[5]}: ${f.action ?? '?'} ${zone(iface)} (${iface})${f['jump-target'] ? ` → chain ${f['jump-target']}` : ''}`;
      }
      const chain = k[3]!;
      const from = chain.replace(/_(in|fwd)$/, '');
      const verb = f.action === 'accept' ? 'allow' : f.action === 'drop' ? 'block' : (f.action ?? '?');
      const set = (name: string | undefined) => (name ? (groups.get(name) ?? [name]).join(', ') : undefined);
      const srcAddrs = set(f['source group address-group']);
      const dstAddrs = set(f['destination group address-group']);
      let to: string;
      if (chain.endsWith('_in')) to = 'firewall';
      else if (f['destination group network-group'] === '!private_nets') to = 'internet';
      else if (f['outbound-interface name']) to = zone(f['outbound-interface name']);
      else to = 'any';
      const proto = f.protocol ?? 'any';
      const icmp = f['icmp type-name'] ? ` ${f['icmp type-name']}` : '';
      const port = f['destination port'] ? ` ${f['destination port'].split(',').join(', ')}` : '';
      const log = f.log ? ' logged' : '';
      const why = f.description ? ` (${f.description})` : '';
      return `${verb} ${from}${srcAddrs ? ` (${srcAddrs})` : ''} → ${to}${dstAddrs ? ` (${dstAddrs})` : ''} ${proto}${icmp}${port}${log}${why} [${chain} rule ${k[5]}]`;
    }
    case 'alias':
      return `${k[3]}: ${(groups.get(k[3]!) ?? []).join(', ')}`;
    case 'vlan':
      return `VLAN ${k[4]} on ${k[2]}${f.description ? ` (${f.description})` : ''}: ${f.address ?? 'no address'}`;
    case 'interface':
      return `${k[2]}${f.description ? ` (${f.description})` : ''}: ${f.address ?? 'no address'}`;
    case 'nat':
      return `${k[1]} NAT rule ${k[3]}: ${f['source address'] ?? 'any'} → ${f['translation address'] ?? '?'} via ${f['outbound-interface name'] ?? '?'}${f.description ? ` (${f.description})` : ''}`;
    case 'host':
      return `${k[7]} → ${f['ip-address'] ?? '?'}${f.mac ? ` (${f.mac})` : ''} on ${k[3]}`;
    case 'dhcp':
      return k.length > 4
        ? `DHCP on ${k[3]} ${k[5]}: ${f['range 0 start'] ?? '?'}–${f['range 0 stop'] ?? '?'}`
        : `DHCP shared network ${k[3]}`;
    case 'record':
      return `${k[7]}.${k[4]} → ${f.address ?? '?'}`;
    default:
      return k.join(' ');
  }
}
