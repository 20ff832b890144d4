// Loads a site directory: beelab.yaml (validated, positions kept) and beelab.lock.yaml → the resolved Site.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.ts';
import { type Diagnostic, formatDiagnostic } from '../kernel/diagnostic.ts';
import { resolveSite } from '../layers/index.ts';
import { type Lock, lockSchema } from '../site/lock.ts';
import type { Site } from '../site/types.ts';
import type { Spec } from '../spec/schema.ts';
import { LOCK_FILE, SPEC_FILE } from './files.ts';
import { parseSiteSpec } from './spec.ts';

export interface Project {
  dir: string;
  spec: Spec;
  site: Site;
  /** The lock as resolve left it: every allocation of this Site. */
  lock: Lock;
  /** The lock file's text on disk, if any, to decide whether it must be rewritten. */
  lockText?: string;
  /** Warnings from the spec rules (errors stop loading). */
  warnings: Diagnostic[];
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Parses and validates beelab.lock.yaml; a damaged lock is a user error, never silently replaced. */
export function parseLock(text: string): Lock {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new UserError(`${LOCK_FILE} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, [
      '  hint: restore it from git (git checkout beelab.lock.yaml); deleting it re-allocates every address',
    ]);
  }
  const r = lockSchema.safeParse(data);
  if (!r.success) {
    const first = r.error.issues[0]!;
    throw new UserError(`${LOCK_FILE}: ${first.path.join('.')}: ${first.message}`, [
      '  hint: the lock is written by Beelab; restore it from git rather than editing it',
    ]);
  }
  return r.data;
}

/** Throws a UserError listing every error in beelab.yaml at once. */
export function assertValid(diagnostics: Diagnostic[], file: string): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  throw new UserError(
    `${file} has ${errors.length} error${errors.length === 1 ? '' : 's'}`,
    diagnostics.map((d) => `  ${formatDiagnostic(d).replace(/\n/g, '\n  ')}`),
  );
}

export async function loadProject(dir: string): Promise<Project> {
  const specPath = join(dir, SPEC_FILE);
  const text = await readOptional(specPath);
  if (text === undefined) {
    throw new UserError(`no ${SPEC_FILE} in ${dir}`, [`  hint: create one with \`beelab init ${dir}\``]);
  }
  const parsed = parseSiteSpec(text, SPEC_FILE);
  assertValid(parsed.diagnostics, SPEC_FILE);
  const lockText = await readOptional(join(dir, LOCK_FILE));
  const old = lockText === undefined ? undefined : parseLock(lockText);
  const { site, lock } = resolveSite(parsed.spec!, old);
  return {
    dir,
    spec: parsed.spec!,
    site,
    lock,
    ...(lockText !== undefined ? { lockText } : {}),
    warnings: parsed.diagnostics,
  };
}

/** The resolved Site of a site directory, for runtime components (status, lab) that only need the model. */
export async function loadSite(dir: string): Promise<Site> {
  return (await loadProject(dir)).site;
}
