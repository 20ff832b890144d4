// `.beelab/manifest.json`: what Beelab last wrote (hash, layer, mode per file), to tell its files from hand edits.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { type FileTree, LAYERS, type Layer } from './file-tree.ts';
import { isProtectedPath, isSafeRelativePath } from './paths.ts';
import { toJson } from './serialize/json.ts';

/** Where the manifest lives, relative to the output directory. Commit it with the repo. */
export const MANIFEST_PATH = '.beelab/manifest.json';

/** One file as Beelab last wrote it. */
export interface ManifestEntry {
  /** sha256 (hex) of the exact bytes written. */
  sha256: string;
  layer: Layer;
  mode: number;
}

/** Path → entry, for every file Beelab last wrote. */
export type Manifest = ReadonlyMap<string, ManifestEntry>;

const fileSchema = z.strictObject({
  layer: z.enum(LAYERS),
  mode: z.string().regex(/^0[0-7]{3}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
const manifestSchema = z.strictObject({
  version: z.literal(1),
  files: z.record(z.string(), fileSchema),
});

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The manifest describing a tree once written. */
export function manifestOf(tree: FileTree): Manifest {
  return new Map(
    tree.entries().map(([path, f]) => [path, { sha256: sha256(f.content), layer: f.layer, mode: f.mode }]),
  );
}

/** Stable text: keys sorted, modes as octal strings so a reader sees 0755, not 493. */
export function serializeManifest(manifest: Manifest): string {
  const files: Record<string, unknown> = {};
  for (const [path, e] of manifest) {
    files[path] = { layer: e.layer, mode: `0${e.mode.toString(8).padStart(3, '0')}`, sha256: e.sha256 };
  }
  return toJson({ version: 1, files }, { sortKeys: true });
}

export function parseManifest(text: string, where = MANIFEST_PATH): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw corrupt(where, [(err as Error).message]);
  }
  const result = manifestSchema.safeParse(raw);
  if (!result.success) {
    throw corrupt(
      where,
      result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  // A tampered manifest must never make Beelab remove a file outside its output or one of the user's inputs.
  const unsafe = Object.keys(result.data.files).filter((p) => !isSafeRelativePath(p) || isProtectedPath(p));
  if (unsafe.length > 0)
    throw corrupt(
      where,
      unsafe.map((p) => `files[${JSON.stringify(p)}]: not a path Beelab may manage`),
    );
  return new Map(
    Object.entries(result.data.files).map(([path, f]) => [
      path,
      { sha256: f.sha256, layer: f.layer, mode: Number.parseInt(f.mode, 8) },
    ]),
  );
}

function corrupt(where: string, problems: string[]): UserError {
  return new UserError(`${where} is not a valid Beelab manifest`, [
    ...problems.slice(0, 10).map((p) => `  ${p}`),
    `Restore it from git (git checkout -- ${where}). Deleting it makes Beelab treat every existing file as not its own,`,
    'so each file that differs from the new output is reported as a conflict instead of being overwritten.',
  ]);
}

/** Reads `<dir>/.beelab/manifest.json`; a missing manifest is an empty one (first render). */
export async function readManifest(dir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_PATH), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  return parseManifest(text);
}
