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

const NOUN: Record<ItemKind, string> = { rule: 'rule', alias: 'address set', host: 'host mapping' };

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
    const disabled = r.fields.enabled === '1' && l.fields.enabled === '0' && fields.length === 1;
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
  const order: ItemKind[] = ['rule', 'alias', 'host'];
  return out.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
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
