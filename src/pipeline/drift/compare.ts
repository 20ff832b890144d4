// Rendered vs live config.xml, item by item: Beelab's items by their UUID, items the firewall gave its own
// UUID by content (a rule deleted and re-made the same way in the GUI is no drift).
import type { ConfigItem, ItemKind } from './config-items.ts';

export interface Drift {
  kind: ItemKind;
  change: 'added' | 'missing' | 'changed';
  /** One line in the words of docs/network-policy.md. */
  text: string;
  /** For a changed item: `field: rendered → live`, one per field. */
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
  for (const r of rendered) {
    const l = r.uuid ? liveByUuid.get(`${r.kind}/${r.uuid}`) : undefined;
    if (!l) {
      unmatchedRendered.push(r);
      continue;
    }
    unmatchedLive.delete(l);
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
  return out.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
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
