// "Did you mean …?" for unknown keys and values, and the schema keys valid at a path: shared by every loader.
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object keys the schema allows at a path (through optional, default, pipe, array and union wrappers). */
export function keysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  const unwrap = (s: z.ZodType): z.ZodType[] => {
    const d = defOf(s);
    if (d.innerType) return unwrap(d.innerType);
    if (d.type === 'pipe' && d.in) return unwrap(d.in);
    if (d.type === 'union' && d.options) return d.options.flatMap(unwrap);
    return [s];
  };
  let current = [schema];
  for (const seg of path) {
    const next: z.ZodType[] = [];
    for (const s of current.flatMap(unwrap)) {
      const d = defOf(s);
      if (typeof seg === 'number' && d.type === 'array' && d.element) next.push(d.element);
      if (typeof seg === 'string' && d.type === 'object' && d.shape?.[seg]) next.push(d.shape[seg]);
    }
    current = next;
  }
  return [...new Set(current.flatMap(unwrap).flatMap((s) => Object.keys(defOf(s).shape ?? {})))];
}

/** The candidate closest to `word` by edit distance, within a bound that grows with its length. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** Edit distance, for suggestions only: names here are short, so the O(n·m) table is fine. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
