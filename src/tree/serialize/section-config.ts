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

/** One parsed `type: id` block, with the line of every property (1-based). */
export interface ParsedSection {
  type: string;
  id: string;
  line: number;
  props: { key: string; value: string; line: number }[];
}

/**
 * Reads a section-config file the way PVE's and PBS's parsers do: a header `type: id` at column 0, then
 * indented `key value` lines, a blank line ending the section; `#` lines only where `comments` (PVE) allows.
 * Returns what parsed and every line it could not, instead of throwing.
 */
export function parseSectionConfig(
  text: string,
  options: { comments?: boolean } = {},
): { sections: ParsedSection[]; errors: { line: number; message: string }[] } {
  const sections: ParsedSection[] = [];
  const errors: { line: number; message: string }[] = [];
  let current: ParsedSection | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') {
      current = undefined;
      return;
    }
    if (options.comments && /^#/.test(raw)) return;
    if (/^\s/.test(raw)) {
      const m = /^\s+(\S+)\s+(\S.*?)\s*$/.exec(raw);
      if (!current) errors.push({ line, message: 'a property outside of any section' });
      else if (!m) errors.push({ line, message: `property without a value: ${raw.trim()}` });
      else current.props.push({ key: m[1]!, value: m[2]!, line });
      return;
    }
    const h = /^(\S+):\s+(\S+)\s*$/.exec(raw);
    if (!h) {
      errors.push({ line, message: `expected a section header "type: id", found ${JSON.stringify(raw)}` });
      return;
    }
    current = { type: h[1]!, id: h[2]!, line, props: [] };
    sections.push(current);
  });
  return { sections, errors };
}
