// The items of an OPNsense config.xml that drift compares: filter rules, aliases and DHCP host mappings, each
// with its fields as text and words for it in docs/network-policy.md's terms. What the firewall rewrites on
// its own (revision, created/updated stamps) is left out.
import {
  type ConfigIface,
  readInterfaces,
  zoneOfAddresses,
} from '../../layers/network/equivalence/config-interfaces.ts';
import {
  attr,
  childNames,
  children,
  field,
  type Node,
  parseXml,
  text,
} from '../../layers/network/equivalence/xml.ts';
import { PRIVATE_NETS } from '../../layers/network/policy/types.ts';

export type ItemKind =
  | 'rule'
  | 'nat'
  | 'alias'
  | 'interface'
  | 'vlan'
  | 'dhcp'
  | 'host'
  | 'record'
  | 'setting';

export interface ConfigItem {
  kind: ItemKind;
  /** The item's identity where it has one: OPNsense's UUID, pfSense's tracker, an alias's name, a VLAN's tag. */
  uuid?: string;
  /** Child element → text, for every field the firewall does not rewrite by itself. */
  fields: Record<string, string>;
  /** The item in words, e.g. `allow devops (10.20.30.10) → ai (10.20.40.10) tcp 4000 (gateway)`. */
  words: string;
  /**
   * Where the firewall evaluates it among others, where that order decides: the list (a pfSense interface, a
   * VyOS chain) and its position in it. OPNsense keeps a rule's order in a field of its own (`sequence`).
   */
  order?: { list: string; position: number };
}

/** Fields OPNsense stamps on save: never a difference someone made. */
const REWRITTEN = new Set(['created', 'updated', 'revision', 'lastchange', 'time']);

function first(node: Node | undefined, ...names: string[]): Node | undefined {
  let n = node;
  for (const name of names) n = n === undefined ? undefined : children(n, name)[0];
  return n;
}

function fieldsOf(node: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of childNames(node)) {
    if (REWRITTEN.has(name)) continue;
    const child = children(node, name)[0];
    // A nested element (OPNsense's own bookkeeping) has no text; only leaf fields say what the item does.
    if (child !== undefined && (typeof child === 'string' || childNames(child).length === 0))
      out[name] = text(child);
  }
  return out;
}

export interface Context {
  zoneOf: (ifKey: string) => string;
  /** The zone whose subnet holds every address of a set, as network-policy.md names a destination. */
  zoneOfSet: (items: readonly string[]) => string | undefined;
  aliases: Map<string, { type: string; items: string[] }>;
}

function context(root: Node, zoneByTag: ReadonlyMap<number, string>): Context {
  const aliases = new Map<string, { type: string; items: string[] }>();
  for (const a of children(first(root, 'OPNsense', 'Firewall', 'Alias', 'aliases') ?? '', 'alias'))
    aliases.set(field(a, 'name'), {
      type: field(a, 'type'),
      items: field(a, 'content').split('\n').filter(Boolean),
    });
  return wordsContext(root, zoneByTag, 'opnsense', aliases);
}

/** What rule words need of a pf-family config.xml: its interfaces' zones and its aliases. */
export function wordsContext(
  root: Node,
  zoneByTag: ReadonlyMap<number, string>,
  platform: 'opnsense' | 'pfsense',
  aliases: Map<string, { type: string; items: string[] }>,
): Context {
  let ifs = new Map<string, ConfigIface>();
  try {
    ifs = readInterfaces(root, zoneByTag, platform);
  } catch {
    // An interface the site does not know (added in the GUI): rules on it are named by its key.
  }
  const zones = new Map([...ifs].map(([k, v]) => [k, v.zone]));
  const zoneOfSet = (items: readonly string[]) => {
    try {
      return zoneOfAddresses(ifs, [...items], platform);
    } catch {
      return undefined; // addresses in several zones, or none the site knows
    }
  };
  return { zoneOf: (k) => zones.get(k) ?? k, zoneOfSet, aliases };
}

function isPrivate(items: readonly string[]): boolean {
  return [...items].sort().join() === [...PRIVATE_NETS].sort().join();
}

/** A pf-family rule in words; `f` has OPNsense's field names (pfSense's are mapped to them). */
export function ruleWords(f: Record<string, string>, ctx: Context): string {
  const verb = f.action === 'pass' ? 'allow' : (f.action ?? 'block');
  const from = (f.interface ?? '').split(',').map(ctx.zoneOf).join(', ');
  const addrs = (net: string) => {
    const alias = ctx.aliases.get(net);
    if (alias) return alias.items.join(', ');
    return net;
  };
  const src =
    !f.source_net || f.source_net === 'any'
      ? from
      : `${from} (${f.source_not === '1' ? 'not ' : ''}${addrs(f.source_net)})`;
  const dstNet = f.destination_net ?? 'any';
  let dst: string;
  if (f.destination_not === '1' && isPrivate(ctx.aliases.get(dstNet)?.items ?? [])) dst = 'internet';
  else if (dstNet === '(self)') dst = 'firewall';
  else if (dstNet === 'any') dst = 'any';
  else if (ctx.aliases.has(dstNet)) {
    const zone = f.destination_not === '1' ? undefined : ctx.zoneOfSet(ctx.aliases.get(dstNet)!.items);
    dst = `${zone ?? (f.destination_not === '1' ? 'not' : '')} (${addrs(dstNet)})`.trim();
  } else dst = ctx.zoneOf(dstNet.replace(/ip$/, ''));
  const proto = (f.protocol ?? 'any').toLowerCase();
  const port = f.destination_port
    ? ` ${ctx.aliases.get(f.destination_port)?.items.join(', ') ?? f.destination_port}`
    : '';
  const icmp =
    proto === 'icmp' && f.icmptype ? ` ${f.icmptype === 'echoreq' ? 'echo-request' : f.icmptype}` : '';
  const log = f.log === '1' ? ' logged' : '';
  // Beelab tags each description with the rule's id (`[baseline/mgmt/dns-udp]`); the words need only the why.
  const why = (f.description || f.descr || '').replace(/\s*\[[^\]]*\]$/, '');
  return `${verb} ${src} → ${dst} ${proto}${icmp}${port}${log}${why ? ` (${why})` : ''}`;
}

/** Rules, aliases and host mappings of a config.xml; `zoneByTag` names each VLAN interface by its zone. */
export function configItems(xml: string, zoneByTag: ReadonlyMap<number, string>): ConfigItem[] {
  const root = parseXml(xml).opnsense?.[0];
  if (!root) throw new Error('no <opnsense> root element');
  const ctx = context(root, zoneByTag);
  const out: ConfigItem[] = [];
  const item = (kind: ItemKind, node: Node, words: (f: Record<string, string>) => string) => {
    const fields = fieldsOf(node);
    const uuid = attr(node, 'uuid');
    out.push({ kind, ...(uuid ? { uuid } : {}), fields, words: words(fields) });
  };
  for (const r of children(first(root, 'OPNsense', 'Firewall', 'Filter', 'rules') ?? '', 'rule'))
    item('rule', r, (f) => ruleWords(f, ctx));
  for (const a of children(first(root, 'OPNsense', 'Firewall', 'Alias', 'aliases') ?? '', 'alias'))
    item('alias', a, (f) => `${f.name}: ${(f.content ?? '').split('\n').filter(Boolean).join(', ')}`);
  for (const h of children(first(root, 'dnsmasq') ?? '', 'hosts'))
    item(
      'host',
      h,
      (f) => `${f.host}${f.domain ? `.${f.domain}` : ''} → ${f.ip}${f.hwaddr ? ` (${f.hwaddr})` : ''}`,
    );
  return out;
}
