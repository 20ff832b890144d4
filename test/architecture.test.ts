// Folder dependencies of src/: no import cycle between top-level folders (docs/architecture.md).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Product files (tests may cross folders freely). */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Top-level folder of a file under src/ (`(root)` for src/*.ts). */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0]! : '(root)';
}

/** folder → folder → one file that makes the edge, from static and dynamic relative imports. */
function folderGraph(files: string[]): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = folderOf(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), m[1]!);
      if (!target.startsWith(`${SRC}/`)) continue;
      const to = folderOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, relative(SRC, file));
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Every edge that lies on a cycle, as `a -> b (file)`. */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const reaches = (a: string, b: string, seen = new Set<string>()): boolean => {
    for (const next of graph.get(a)?.keys() ?? []) {
      if (next === b) return true;
      if (!seen.has(next)) {
        seen.add(next);
        if (reaches(next, b, seen)) return true;
      }
    }
    return false;
  };
  const out: string[] = [];
  for (const [a, edges] of graph)
    for (const [b, file] of edges) if (reaches(b, a)) out.push(`${a} -> ${b} (${file})`);
  return out.sort();
}

describe('folder dependencies', () => {
  it('finds a planted cycle (the check itself can fail)', () => {
    const g = new Map([
      ['spec', new Map([['site', 'spec/x.ts']])],
      ['site', new Map([['spec', 'site/y.ts']])],
      ['tree', new Map([['kernel', 'tree/z.ts']])],
    ]);
    expect(cycles(g)).toEqual(['site -> spec (site/y.ts)', 'spec -> site (spec/x.ts)']);
  });

  it('src/ has no import cycle between top-level folders', () => {
    const files = sources();
    expect(files.length).toBeGreaterThan(150);
    expect(cycles(folderGraph(files))).toEqual([]);
  });

  it('the leaves import nothing of ours but the named errors (src/errors.ts)', () => {
    const graph = folderGraph(sources());
    for (const leaf of ['kernel', 'net', 'catalog'])
      expect(
        [...(graph.get(leaf)?.keys() ?? [])].filter((f) => f !== '(root)'),
        leaf,
      ).toEqual([]);
  });
});
