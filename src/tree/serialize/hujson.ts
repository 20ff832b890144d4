// HuJSON (JSON with comments and trailing commas), the format of Tailscale's policy file.
import { commentLines } from './header.ts';
import { assertJsonSafe } from './json.ts';
import { compareKeys, isPlainObject } from './sort-keys.ts';

/** Options for toHujson. */
export interface HujsonOptions {
  /** `//` comment lines at the top of the file. */
  header?: string;
  /**
   * Comments placed on the line(s) before a member, keyed by JSON Pointer (RFC 6901), e.g.
   * `{ '/acls': 'Who may reach what', '/tagOwners/tag:server': 'Servers' }`. A pointer that names
   * nothing throws, so a typo cannot silently drop a comment.
   */
  comments?: Record<string, string>;
  /** Sort object keys (code-unit order). Default false. */
  sortKeys?: boolean;
}

/** Arrays of scalars stay on one line up to this width, as Tailscale's examples write them. */
const INLINE_WIDTH = 80;

function pointerToken(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

export function toHujson(value: unknown, options: HujsonOptions = {}): string {
  assertJsonSafe(value);
  const comments = new Map(Object.entries(options.comments ?? {}));
  const used = new Set<string>();
  const commentPointers = [...comments.keys()];

  const commentFor = (pointer: string, indent: string): string => {
    const text = comments.get(pointer);
    if (text === undefined) return '';
    used.add(pointer);
    return commentLines(text, `${indent}//`);
  };

  const render = (v: unknown, pointer: string, indent: string): string => {
    if (v === undefined) return 'null';
    if (isScalar(v)) return JSON.stringify(v);
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const hasComments = commentPointers.some((p) => p.startsWith(`${pointer}/`));
      if (!hasComments && v.every(isScalar)) {
        const line = `[${v.map((x) => JSON.stringify(x ?? null)).join(', ')}]`;
        if (indent.length + line.length <= INLINE_WIDTH) return line;
      }
      const items = v.map((item, i) => {
        const p = `${pointer}/${i}`;
        return `${commentFor(p, inner)}${inner}${render(item, p, inner)},\n`;
      });
      return `[\n${items.join('')}${indent}]`;
    }
    const obj = v as Record<string, unknown>;
    let keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    if (options.sortKeys) keys = keys.sort(compareKeys);
    if (keys.length === 0) return '{}';
    const members = keys.map((k) => {
      const p = `${pointer}/${pointerToken(k)}`;
      return `${commentFor(p, inner)}${inner}${JSON.stringify(k)}: ${render(obj[k], p, inner)},\n`;
    });
    return `{\n${members.join('')}${indent}}`;
  };

  if (!isPlainObject(value) && !Array.isArray(value))
    throw new Error('toHujson: the top level must be an object or array');
  const body = render(value, '', '');
  const unused = commentPointers.filter((p) => !used.has(p));
  if (unused.length > 0) throw new Error(`toHujson: comment pointer(s) name nothing: ${unused.join(', ')}`);
  return `${commentLines(options.header, '//')}${body}\n`;
}
