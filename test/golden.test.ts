// Golden tests: every example rendered through the full pipeline, compared byte for byte with test/golden/.
//
// The goldens cover every registered layer, so a change to any layer's output shows up here. When the
// change is intended, refresh and review the diff like code:
//   UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts && git diff --stat test/golden
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentedTopLevel } from '../src/layers/index.ts';
import { exampleNames, GOLDEN_DIR, type RenderedFile, renderExample } from './support/examples.ts';

const update = process.env.UPDATE_GOLDEN === '1';

/**
 * Roles are shipped verbatim from src/layers/<layer>/roles/: the reference golden holds them, the other
 * examples list them in their index only (same bytes six times over would say nothing new).
 */
function stored(name: string, path: string): boolean {
  return name === 'reference' || !path.startsWith('ansible/roles/');
}

function listFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

/** path, layer and mode of every file: modes and layer ownership are part of the output too. */
function index(files: Map<string, RenderedFile>): string {
  return [...files]
    .map(([p, f]) => `${p} ${f.layer} ${f.mode.toString(8)}`)
    .join('\n')
    .concat('\n');
}

function writeGolden(name: string, files: Map<string, RenderedFile>): void {
  const dir = join(GOLDEN_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [path, f] of files) {
    if (!stored(name, path)) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), f.content);
  }
  writeFileSync(join(GOLDEN_DIR, `${name}.index.txt`), index(files));
}

describe.each(exampleNames())('golden: %s', (name) => {
  it('renders every file exactly as committed', async () => {
    const files = await renderExample(name);
    if (update) writeGolden(name, files);
    const dir = join(GOLDEN_DIR, name);
    const hint = 'if the change is intended: UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts';
    expect(listFiles(dir), `file list of test/golden/${name} (${hint})`).toEqual(
      [...files.keys()].filter((p) => stored(name, p)),
    );
    expect(readFileSync(join(GOLDEN_DIR, `${name}.index.txt`), 'utf8'), hint).toBe(index(files));
    for (const [path, f] of files) {
      if (!stored(name, path)) continue;
      expect(f.content, `test/golden/${name}/${path} differs (${hint})`).toBe(
        readFileSync(join(dir, path), 'utf8'),
      );
    }
  });

  it('documents every top-level path in the README map (the layout of each layer module)', async () => {
    const files = await renderExample(name);
    const documented = documentedTopLevel();
    const top = new Set([...files.keys()].map((p) => (p.includes('/') ? `${p.split('/')[0]}/` : p)));
    const inputs = new Set(['beelab.lock.yaml']);
    expect([...top].filter((p) => !documented.has(p) && !inputs.has(p))).toEqual([]);
  });
});

// Seven layers rendered for six sites (one of 200 nodes) came to 5.0 MB on 2026-12-01; the budget keeps the
// repository lean and makes a sudden jump (a layer writing per-host copies) fail here.
it('keeps the goldens under 6 MB', () => {
  let total = 0;
  for (const f of listFiles(GOLDEN_DIR)) total += readFileSync(join(GOLDEN_DIR, f)).length;
  expect(total).toBeLessThan(6 * 1024 * 1024);
});
