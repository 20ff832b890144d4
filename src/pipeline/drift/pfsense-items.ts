// The items of a pfSense config.xml that drift compares: filter rules (by tracker), outbound NAT rules, aliases,
// interfaces, VLANs, DHCP scopes and static mappings, DNS resolver host overrides (each by a stable key, as
// pfSense has no UUIDs). What pfSense writes by itself is left out: <revision>, created/updated stamps, the
// per-entry alias details it dates ("Entry added …").
import {
  childNames,
  children,
  field,
  type Node,
  parseXml,
  text,
} from '../../layers/network/equivalence/xml.ts';
import { type ConfigItem, type Context, type ItemKind, ruleWords, wordsContext } from './config-items.ts';

/** Stamped by pfSense on save: never a difference someone made. `detail` holds "Entry added <date>" lines. */
const REWRITTEN = new Set(['created', 'updated', 'revision', 'tracker', 'detail']);
/** Elements whose presence is the setting (`<any/>`, `<disabled/>`): present is `1`, absent is no value. */
const FLAGS = new Set([
  'any',
  'not',
  'disabled',
  'log',
  'enable',
  'blockpriv',
  'blockbogons',
  'dnssec',
  'floating',
  'quick',
  'nopfsync',
  'nosync',
]);

/** Leaf fields of an element, nested ones as `source.address`; what pfSense rewrites is skipped. */
function flatten(node: Node, skip: ReadonlySet<string> = new Set(), prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of childNames(node)) {
    if (REWRITTEN.has(name) || skip.has(name)) continue;
    const child = children(node, name)[0];
    if (child === undefined) continue;
    if (typeof child !== 'string' && childNames(child).length > 0) {
      Object.assign(out, flatten(child, new Set(), `${prefix}${name}.`));
      continue;
    }
    const value = text(child);
    out[`${prefix}${name}`] = value === '' && FLAGS.has(name) ? '1' : value;
  }
  return out;
}

/** A space-separated list whose order pfSense does not act on, sorted. */
const sortedList = (v: string | undefined) => (v ?? '').split(/\s+/).filter(Boolean).sort().join(' ');

/** pfSense rule fields under the names the OPNsense words read. */
function asOpnsenseRule(f: Record<string, string>): Record<string, string> {
  const net = (side: 'source' | 'destination') =>
    f[`${side}.any`] === '1' ? 'any' : (f[`${side}.address`] ?? f[`${side}.network`] ?? 'any');
  return {
    action: f.type ?? 'pass',
    interface: f.interface ?? '',
    source_net: net('source'),
    ...(f['source.not'] ? { source_not: '1' } : {}),
    destination_net: net('destination'),
    ...(f['destination.not'] ? { destination_not: '1' } : {}),
    ...(f['destination.port'] ? { destination_port: f['destination.port'] } : {}),
    protocol: f.protocol || 'any',
    ...(f.icmptype ? { icmptype: f.icmptype } : {}),
    ...(f.log ? { log: '1' } : {}),
    description: f.descr ?? '',
  };
}

/** Rules, NAT, aliases, interfaces, VLANs, DHCP and DNS items of a pfSense config.xml. */
export function pfsenseItems(xml: string, zoneByTag: ReadonlyMap<number, string>): ConfigItem[] {
  const root = parseXml(xml).pfsense?.[0];
  if (!root) throw new Error('no <pfsense> root element');
  const section = (name: string) => children(root, name)[0] ?? '';
  const aliases = new Map<string, { type: string; items: string[] }>();
  for (const a of children(section('aliases'), 'alias'))
    aliases.set(field(a, 'name'), {
      type: field(a, 'type'),
      items: field(a, 'address').split(/\s+/).filter(Boolean),
    });
  const ctx: Context = wordsContext(root, zoneByTag, 'pfsense', aliases);
  const out: ConfigItem[] = [];
  const push = (
    kind: ItemKind,
    key: string | undefined,
    fields: Record<string, string>,
    words: string,
    order?: ConfigItem['order'],
  ) => out.push({ kind, ...(key ? { uuid: key } : {}), fields, words, ...(order ? { order } : {}) });

  children(section('filter'), 'rule').forEach((r, position) => {
    const f = flatten(r);
    // A rule made in the GUI gets a tracker too; only its content says whether it is one Beelab rendered.
    // pfSense evaluates floating rules first, then each interface's rules top to bottom.
    const list = f.floating ? 'floating rules' : `${ctx.zoneOf(f.interface ?? '')} (${f.interface ?? '?'})`;
    push('rule', field(r, 'tracker') || undefined, f, ruleWords(asOpnsenseRule(f), ctx), { list, position });
  });
  for (const n of children(children(section('nat'), 'outbound')[0] ?? '', 'rule')) {
    const f = flatten(n);
    const src = f['source.network'] ?? f['source.address'] ?? 'any';
    push(
      'nat',
      `${f.interface ?? ''}/${src}`,
      f,
      `outbound NAT on ${f.interface ?? '?'} for ${src}${f.descr ? ` (${f.descr})` : ''}`,
    );
  }
  for (const a of children(section('aliases'), 'alias')) {
    const f = flatten(a);
    f.address = sortedList(f.address);
    push('alias', f.name, f, `${f.name}: ${f.address.split(' ').filter(Boolean).join(', ')}`);
  }
  const ifs = section('interfaces');
  for (const key of childNames(ifs)) {
    const f = flatten(children(ifs, key)[0]!);
    const zone = ctx.zoneOf(key);
    const addr = f.ipaddr && f.subnet ? `${f.ipaddr}/${f.subnet}` : (f.ipaddr ?? 'no address');
    push('interface', key, f, `${key}${zone !== key ? ` (${zone})` : ''} on ${f.if ?? '?'}: ${addr}`);
  }
  for (const v of children(section('vlans'), 'vlan')) {
    const f = flatten(v);
    push(
      'vlan',
      f.vlanif || `${f.if}.${f.tag}`,
      f,
      `VLAN ${f.tag} on ${f.if}${f.descr ? ` (${f.descr})` : ''}`,
    );
  }
  const dhcpd = section('dhcpd');
  for (const key of childNames(dhcpd)) {
    const scope = children(dhcpd, key)[0]!;
    const zone = ctx.zoneOf(key);
    const where = zone !== key ? `${zone} (${key})` : key;
    const f = flatten(scope, new Set(['staticmap']));
    push('dhcp', key, f, `DHCP on ${where}: ${f['range.from'] ?? '?'}–${f['range.to'] ?? '?'}`);
    for (const m of children(scope, 'staticmap')) {
      const mf = flatten(m);
      // The MAC is the mapping's identity in pfSense (one static map per client per interface).
      push(
        'host',
        `${key}/${(mf.mac ?? mf.cid ?? '').toLowerCase()}`,
        mf,
        `${mf.hostname || '?'} → ${mf.ipaddr || '?'}${mf.mac ? ` (${mf.mac})` : ''} on ${zone}`,
      );
    }
  }
  for (const h of children(section('unbound'), 'hosts')) {
    const f = flatten(h);
    const name = `${f.host}${f.domain ? `.${f.domain}` : ''}`;
    push('record', name, f, `${name} → ${f.ip}`);
  }
  // Settings Beelab renders, among the many a firewall has: only those fields are compared.
  const pick = (node: Node, names: readonly string[]) => {
    const all = flatten(node);
    return Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]!]));
  };
  const sys = pick(section('system'), ['hostname', 'domain', 'timezone']);
  push(
    'setting',
    'system',
    sys,
    `system: ${sys.hostname ?? '?'}.${sys.domain ?? '?'}, ${sys.timezone ?? '?'}`,
  );
  const dns = pick(section('unbound'), [
    'enable',
    'dnssec',
    'port',
    'active_interface',
    'outgoing_interface',
  ]);
  push(
    'setting',
    'unbound',
    dns,
    `DNS resolver: ${dns.enable ? 'on' : 'off'}${dns.dnssec ? ', DNSSEC' : ''}, port ${dns.port ?? '53'}`,
  );
  return out;
}
