// Rendered vs live configuration, item by item: Beelab's items by their UUID (or tracker, name, set-command
// key), items the firewall gave its own by content (a rule deleted and re-made the same way in the GUI is no
// drift); where the order of items decides (pfSense and VyOS rules), a rule evaluated elsewhere is drift too.
import type { ConfigItem, ItemKind } from './config-items.ts';

export interface Drift {
  kind: ItemKind;
  change: 'added' | 'missing' | 'changed' | 'moved';
  /** One line in the words of docs/network-policy.md. */
  text: string;
  /** For a changed item: `field: rendered → live`, one per field; for a moved one, its place in its list. */
  fields: string[];
}

const NOUN: Record<ItemKind, string> = {
  rule: 'rule',
  nat: 'NAT rule',
  alias: 'address set',
  interface: 'interface',
  vlan: 'VLAN',
  dhcp: 'DHCP scope',
  host: 'host mapping',
  record: 'DNS record',
  setting: 'setting',
};
const ORDER = Object.keys(NOUN) as ItemKind[];

export function compareItems(rendered: readonly ConfigItem[], live: readonly ConfigItem[]): Drift[] {
  const out: Drift[] = [];
  const liveByUuid = new Map(live.filter((i) => i.uuid).map((i) => [`${i.kind}/${i.uuid}`, i]));
  const unmatchedLive = new Set(live);
  const unmatchedRendered: ConfigItem[] = [];
  const pairs: [ConfigItem, ConfigItem][] = [];
  for (const r of rendered) {
    const l = r.uuid ? liveByUuid.get(`${r.kind}/${r.uuid}`) : undefined;
    if (!l) {
      unmatchedRendered.push(r);
      continue;
    }
    unmatchedLive.delete(l);
    pairs.push([r, l]);
    if (sameFields(r.fields, l.fields)) continue;
    const keys = [...new Set([...Object.keys(r.fields), ...Object.keys(l.fields)])].sort();
    const fields = keys
      .filter((k) => (r.fields[k] ?? '') !== (l.fields[k] ?? ''))
      .map((k) => `${k}: ${show(r.fields[k])} → ${show(l.fields[k])}`);
    const disabled = fields.length === 1 && isDisabling(r.fields, l.fields);
    out.push({
      kind: r.kind,
      change: 'changed',
      text: disabled
        ? `${NOUN[r.kind]} disabled on the firewall: ${r.words}`
        : `${NOUN[r.kind]} changed on the firewall: ${r.words}${l.words !== r.words ? `; now ${l.words}` : ''}`,
      fields,
    });
  }
  for (const r of unmatchedRendered) {
    const same = [...unmatchedLive].find((l) => l.kind === r.kind && sameFields(l.fields, r.fields));
    if (same) {
      unmatchedLive.delete(same);
      pairs.push([r, same]);
      continue;
    }
    out.push({
      kind: r.kind,
      change: 'missing',
      text: `${NOUN[r.kind]} missing on the firewall: ${r.words}`,
      fields: [],
    });
  }
  for (const l of unmatchedLive)
    out.push({
      kind: l.kind,
      change: 'added',
      text: `${NOUN[l.kind]} added on the firewall: ${l.words}`,
      fields: [],
    });
  out.push(...moved(pairs, rendered, live));
  return out.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/**
 * Items both sides have, in an order the firewall acts on, that the firewall evaluates in another order: per
 * list, the longest run of items still in the rendered order stays, every other item moved (one rule dragged
 * elsewhere in the GUI is one drift, not every rule it passed).
 */
function moved(
  pairs: readonly [ConfigItem, ConfigItem][],
  rendered: readonly ConfigItem[],
  live: readonly ConfigItem[],
): Drift[] {
  const rank = (items: readonly ConfigItem[]) => {
    const out = new Map<ConfigItem, number>();
    const lists = new Map<string, ConfigItem[]>();
    for (const i of items) if (i.order) lists.set(i.order.list, [...(lists.get(i.order.list) ?? []), i]);
    for (const list of lists.values()) {
      list.sort((a, b) => a.order!.position - b.order!.position);
      for (const [n, i] of list.entries()) out.set(i, n + 1);
    }
    return out;
  };
  const rRank = rank(rendered);
  const lRank = rank(live);
  const byList = new Map<string, [ConfigItem, ConfigItem][]>();
  for (const [r, l] of pairs)
    if (r.order && l.order && r.order.list === l.order.list)
      byList.set(r.order.list, [...(byList.get(r.order.list) ?? []), [r, l]]);
  const out: Drift[] = [];
  for (const [list, group] of byList) {
    const inLive = [...group].sort((a, b) => a[1].order!.position - b[1].order!.position);
    const keep = longestIncreasing(inLive.map(([r]) => r.order!.position));
    inLive.forEach(([r, l], n) => {
      if (keep.has(n)) return;
      out.push({
        kind: r.kind,
        change: 'moved',
        text: `${NOUN[r.kind]} moved on the firewall: ${r.words}`,
        fields: [`place in ${list}: ${rRank.get(r)} → ${lRank.get(l)}`],
      });
    });
  }
  return out;
}

/** Indexes of one longest strictly increasing subsequence of `xs`. */
function longestIncreasing(xs: readonly number[]): Set<number> {
  const len = xs.map(() => 1);
  const prev = xs.map(() => -1);
  for (let i = 0; i < xs.length; i++)
    for (let j = 0; j < i; j++)
      if (xs[j]! < xs[i]! && len[j]! + 1 > len[i]!) {
        len[i] = len[j]! + 1;
        prev[i] = j;
      }
  let at = len.indexOf(Math.max(0, ...len));
  const out = new Set<number>();
  while (at >= 0) {
    out.add(at);
    at = prev[at]!;
  }
  return out;
}

/** OPNsense `enabled` 1 → 0, a pfSense `<disabled/>` or a VyOS `disable` that appeared. */
function isDisabling(r: Record<string, string>, l: Record<string, string>): boolean {
  if (r.enabled === '1' && l.enabled === '0') return true;
  return ['disabled', 'disable'].some((k) => !r[k] && !!l[k]);
}

/**
 * Equal but for fields one side leaves out and the other has empty: a GUI save writes every field of the
 * item's model, a newer OPNsense adds fields with their defaults.
 */
function sameFields(a: Record<string, string>, b: Record<string, string>): boolean {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
    if ((a[k] ?? '') !== (b[k] ?? '')) return false;
  return true;
}

function show(v: string | undefined): string {
  if (v === undefined) return '(none)';
  if (v === '') return '""';
  return v.includes('\n') ? v.split('\n').join(', ') : v;
}
