// The Proxmox "section config" format (storage.cfg, datacenter jobs, PBS datastore.cfg), byte-compatible with PVE's writer.
import { commentLines } from './header.ts';
import { compareKeys } from './sort-keys.ts';

export type SectionValue = string | number | boolean;

/** One `type: id` block. Array values write the key once per item (PVE "array" properties). */
export interface Section {
  type: string;
  id: string;
  /** Written in this order; null, undefined and '' are skipped like PVE does; booleans become 1/0. */
  props: Record<string, SectionValue | readonly SectionValue[] | null | undefined>;
}

/** Options for toSectionConfig. */
export interface SectionConfigOptions {
  /** `#` comment lines at the top (PVE's parser skips them; PVE drops them if it rewrites the file). */
  header?: string;
  /** Sort each section's keys (code-unit order). Default false. */
  sortKeys?: boolean;
}

const TOKEN = /^\S+$/;

function encode(value: SectionValue, where: string): string {
  const s = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  if (/[\r\n]/.test(s)) throw new Error(`toSectionConfig: ${where} contains a line break`);
  if (s !== s.trim())
    throw new Error(`toSectionConfig: ${where} has leading or trailing whitespace, which PVE strips`);
  return s;
}

/**
 * `type: id` then one `\tkey value` line per property; every section ends with a blank line,
 * exactly as PVE's SectionConfig::write_config emits it, so PVE rewriting the file causes no drift.
 */
export function toSectionConfig(sections: readonly Section[], options: SectionConfigOptions = {}): string {
  const seen = new Set<string>();
  let out = commentLines(options.header, '#');
  for (const { type, id, props } of sections) {
    if (!TOKEN.test(type) || type.endsWith(':') || !TOKEN.test(id)) {
      throw new Error(`toSectionConfig: invalid section header ${JSON.stringify(`${type}: ${id}`)}`);
    }
    // PVE keys sections by id alone, so a second one would silently replace the first.
    if (seen.has(id)) throw new Error(`toSectionConfig: duplicate section id ${id}`);
    seen.add(id);
    out += `${type}: ${id}\n`;
    const keys = Object.keys(props);
    if (options.sortKeys) keys.sort(compareKeys);
    for (const key of keys) {
      if (!TOKEN.test(key)) throw new Error(`toSectionConfig: invalid key ${JSON.stringify(key)} in ${id}`);
      const raw = props[key];
      if (raw === null || raw === undefined) continue;
      for (const v of Array.isArray(raw) ? raw : [raw]) {
        const s = encode(v as SectionValue, `${id}.${key}`);
        if (s !== '') out += `\t${key} ${s}\n`;
      }
    }
    out += '\n';
  }
  return out;
}
