// The examples the golden and determinism tests render: examples/*/beelab.yaml plus a generated 200-node spec.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCK_FILE, SPEC_FILE } from '../../src/project/files.ts';
import { loadProject } from '../../src/project/load.ts';
import { serializeLock } from '../../src/project/render.ts';
import { renderSite } from '../../src/project/render-site.ts';
import { toYaml } from '../../src/tree/serialize/index.ts';
import { syntheticSpec } from './synthetic.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLES_DIR = join(ROOT, 'examples');
export const GOLDEN_DIR = join(ROOT, 'test/golden');

/** Name of the generated example; its spec is syntheticSpec(200), written to a temp dir for each render. */
export const SYNTHETIC = 'synthetic-200';

export function exampleNames(): string[] {
  const committed = readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(EXAMPLES_DIR, d.name, SPEC_FILE)))
    .map((d) => d.name)
    .sort();
  return [...committed, SYNTHETIC];
}

/** One rendered file: content plus the layer and mode the tree gave it. */
export interface RenderedFile {
  content: string;
  layer: string;
  mode: number;
}

/**
 * Renders an example through the full pipeline (parse + rules, lock, resolve, every registered
 * layer) and adds the lock render would write; path → file, sorted by path.
 */
export async function renderExample(name: string): Promise<Map<string, RenderedFile>> {
  let dir = join(EXAMPLES_DIR, name);
  let temp: string | undefined;
  if (name === SYNTHETIC) {
    temp = mkdtempSync(join(tmpdir(), 'beelab-synth-'));
    writeFileSync(join(temp, SPEC_FILE), toYaml(syntheticSpec(200)));
    dir = temp;
  }
  try {
    const project = await loadProject(dir);
    const out = new Map<string, RenderedFile>();
    for (const [path, f] of renderSite(project.site).entries()) {
      out.set(path, { content: f.content, layer: f.layer, mode: f.mode });
    }
    out.set(LOCK_FILE, { content: serializeLock(project.lock), layer: 'devops', mode: 0o644 });
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}
