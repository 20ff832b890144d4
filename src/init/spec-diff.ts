// A short, human summary of what changes between two specs, shown before init replaces a beelab.yaml.
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';

type Json = unknown;

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 3)}...` : s);

function show(v: Json): string {
  return cut(JSON.stringify(v) ?? 'undefined', 60);
}

/** An item as beelab.yaml would write it on one line: `{ from: { vlan: devops }, protocol: tcp, ports: [ 8443 ] }`. */
function inline(v: Json): string {
  return cut(stringify(v, { collectionStyle: 'flow', lineWidth: 0 }).trim(), 160);
}

const hasName = (i: unknown): i is { name: string } =>
  i !== null && typeof i === 'object' && typeof (i as { name?: unknown }).name === 'string';

/**
 * Lists whose items carry a name are compared by name (added / removed / changed), not by position. A list
 * mixing names and named objects (`apps: [immich, { name: jellyfin, on: devops }]`) counts a bare name as
 * `{ name }`, so `immich` becoming `{ name: immich, version: … }` reads as its version being set.
 */
function byName(a: unknown[], b: unknown[]): [Map<string, unknown>, Map<string, unknown>] | undefined {
  const both = [...a, ...b];
  const objects = both.some(hasName);
  if (!both.every((i) => hasName(i) || (objects && typeof i === 'string'))) return undefined;
  const map = (list: unknown[]) =>
    new Map(list.map((i) => (typeof i === 'string' ? [i, { name: i }] : [(i as { name: string }).name, i])));
  return [map(a), map(b)];
}

function label(v: unknown): string {
  return typeof v === 'string' ? v : v && typeof v === 'object' && 'name' in v ? String(v.name) : show(v);
}

const isObj = (v: Json): v is Record<string, Json> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function walk(path: string, a: Json, b: Json, out: string[]): void {
  if (isDeepStrictEqual(a, b)) return;
  // A list or block that is new (or gone) reads as its items added (or removed), not as `undefined → {...`.
  if (a === undefined && Array.isArray(b)) a = [];
  if (b === undefined && Array.isArray(a)) b = [];
  if (a === undefined && isObj(b)) a = {};
  if (b === undefined && isObj(a)) b = {};
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = byName(a, b);
    if (named) {
      const [ma, mb] = named;
      const added = [...mb.keys()].filter((k) => !ma.has(k));
      const removed = [...ma.keys()].filter((k) => !mb.has(k));
      if (added.length) out.push(`${path}: + ${added.join(', ')}`);
      if (removed.length) out.push(`${path}: - ${removed.join(', ')}`);
      for (const [k, v] of ma) if (mb.has(k)) walk(`${path}[${k}]`, v, mb.get(k), out);
      return;
    }
    if (a.every((i) => typeof i !== 'object') && b.every((i) => typeof i !== 'object')) {
      const added = b.filter((i) => !a.some((j) => isDeepStrictEqual(i, j)));
      const removed = a.filter((i) => !b.some((j) => isDeepStrictEqual(i, j)));
      if (added.length) out.push(`${path}: + ${added.map(label).join(', ')}`);
      if (removed.length) out.push(`${path}: - ${removed.map(label).join(', ')}`);
      if (!added.length && !removed.length) out.push(`${path}: reordered`);
      return;
    }
    // Items without names (flows): each added or removed one on its own line, as written.
    const added = b.filter((i) => !a.some((j) => isDeepStrictEqual(i, j)));
    const removed = a.filter((i) => !b.some((j) => isDeepStrictEqual(i, j)));
    for (const i of added) out.push(`${path}: + ${inline(i)}`);
    for (const i of removed) out.push(`${path}: - ${inline(i)}`);
    if (!added.length && !removed.length) out.push(`${path}: reordered`);
    return;
  }
  if (isObj(a) && isObj(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      walk(path ? `${path}.${key}` : key, a[key], b[key], out);
    }
    return;
  }
  out.push(`${path}: ${show(a)} → ${show(b)}`);
}

/** One line per change (`network.supernet: "10.20.0.0/16" → "10.30.0.0/16"`, `nodes: + pve4`), at most `max`. */
export function specDiff(before: unknown, after: unknown, max = 30): string[] {
  const out: string[] = [];
  walk('', before, after, out);
  return out.length > max ? [...out.slice(0, max), `... and ${out.length - max} more`] : out;
}
