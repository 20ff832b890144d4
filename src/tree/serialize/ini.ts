// INI output for systemd units and similar `Key=Value` files; repeated keys and repeated sections allowed.
import { commentLines } from './header.ts';

export type IniScalar = string | number | boolean;
/** One section's keys in order; an array writes the key once per item (systemd list settings). null/undefined skip the key. */
export type IniEntries = Record<string, IniScalar | readonly IniScalar[] | null | undefined>;
/**
 * Sections in order. The array form allows the same section twice (systemd-networkd's [Address], [Route]).
 * A section named '' holds keys written before any `[header]`; it must come first.
 */
export type IniSections = Record<string, IniEntries> | ReadonlyArray<readonly [string, IniEntries]>;

/** Options for toIni. */
export interface IniOptions {
  /** `#` comment lines at the top. */
  header?: string;
  /** Between key and value. Default '=' (systemd); ' = ' for readers that like spaces. */
  separator?: '=' | ' = ';
}

function checkValue(value: string, where: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`toIni: ${where} contains a line break`);
  if (value !== value.trim())
    throw new Error(`toIni: ${where} has leading or trailing whitespace, which readers strip`);
  return value;
}

export function toIni(sections: IniSections, options: IniOptions = {}): string {
  const list = Array.isArray(sections) ? sections : Object.entries(sections as Record<string, IniEntries>);
  const sep = options.separator ?? '=';
  const blocks: string[] = [];
  list.forEach(([name, entries], index) => {
    if (name === '' && index !== 0) throw new Error('toIni: the unnamed (global) section must come first');
    if (/[\]\r\n]/.test(name)) throw new Error(`toIni: invalid section name ${JSON.stringify(name)}`);
    const lines = name === '' ? [] : [`[${name}]`];
    for (const [key, raw] of Object.entries(entries)) {
      if (raw === null || raw === undefined) continue;
      if (key === '' || /[=[\]\s]/.test(key) || /^[#;]/.test(key)) {
        throw new Error(`toIni: invalid key ${JSON.stringify(key)} in [${name}]`);
      }
      const values = Array.isArray(raw) ? raw : [raw];
      for (const v of values) lines.push(`${key}${sep}${checkValue(String(v), `[${name}] ${key}`)}`);
    }
    blocks.push(`${lines.join('\n')}\n`);
  });
  return commentLines(options.header, '#') + blocks.join('\n');
}
