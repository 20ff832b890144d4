// Loads a site directory: beelab.yaml (validated, positions kept) and beelab.lock.yaml → the resolved Site.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.ts';
import { type Diagnostic, formatDiagnostic } from '../kernel/diagnostic.ts';
import { resolveSite } from '../layers/index.ts';
import { type Lock, lockConflicts, lockSchema } from '../site/lock.ts';
import type { Site } from '../site/types.ts';
import type { Spec } from '../spec/schema.ts';
import { MANIFEST_PATH } from '../tree/manifest.ts';
import { LOCK_FILE, SPEC_FILE } from './files.ts';
import { parseSiteSpec } from './spec.ts';
import { loadVersions, VERSIONS_FILE } from './versions-file.ts';

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
  /** versions.yaml as render should leave it (Beelab's defaults on the first render; added keys later). */
  versionsText: string;
  /** versions.yaml's text on disk, if any. */
  versionsOnDisk?: string;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function readOptionalBytes(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
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

/** Throws a UserError listing every error at once; `file` names the file (or files) they are in. */
export function assertValid(diagnostics: Diagnostic[], file: string | string[]): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const files = typeof file === 'string' ? [file] : file;
  throw new UserError(
    `${files.join(' and ')} ${files.length === 1 ? 'has' : 'have'} ${errors.length} error${errors.length === 1 ? '' : 's'}`,
    diagnostics.map((d) => `  ${formatDiagnostic(d).replace(/\n/g, '\n  ')}`),
  );
}

/** How much a caller lets loading change the lock. */
export interface LoadOptions {
  /** Allocate afresh although this directory was rendered before and its lock is missing. */
  newLock?: boolean;
  /** Accept a lock whose values conflict (two keys with one value) and let the allocator repair it. */
  repairLock?: boolean;
}

export async function loadProject(dir: string, options: LoadOptions = {}): Promise<Project> {
  const specPath = join(dir, SPEC_FILE);
  // Bytes, not text: the parser checks the encoding (invalid UTF-8 and NUL are located errors, a BOM and CRLF are fine).
  const text = await readOptionalBytes(specPath);
  if (text === undefined) {
    throw new UserError(`no ${SPEC_FILE} in ${dir}`, [`  hint: create one with \`beelab init ${dir}\``]);
  }
  // The lock is read first: the spec's rules judge the Site render will build from both (VM placement, VM ids
  // the lock holds). A damaged lock is reported before the spec, which could not be judged against it.
  const lockText = await readOptional(join(dir, LOCK_FILE));
  const old = lockText === undefined ? undefined : parseLock(lockText);
  const conflicts = old ? lockConflicts(old) : [];
  if (conflicts.length > 0 && !options.repairLock) {
    throw new UserError(`${LOCK_FILE} holds ${conflicts.length} conflicting allocation(s)`, [
      ...conflicts.map((c) => `  ${c}`),
      `  hint: restore it from git; or pass --repair-lock to keep the first key's value and allocate the others anew (each change is listed)`,
    ]);
  }
  const parsed = parseSiteSpec(text, SPEC_FILE, old);
  // The versions catalog: its errors (an image without a digest) are reported with the spec's, all at once.
  const versionsOnDisk = await readOptional(join(dir, VERSIONS_FILE));
  const loadedVersions = loadVersions(versionsOnDisk);
  const withErrors = [
    [SPEC_FILE, parsed.diagnostics],
    [VERSIONS_FILE, loadedVersions.diagnostics],
  ] as const;
  assertValid(
    [...parsed.diagnostics, ...loadedVersions.diagnostics],
    withErrors.filter(([, ds]) => ds.some((d) => d.severity === 'error')).map(([f]) => f),
  );
  if (lockText === undefined && !options.newLock && existsSync(join(dir, MANIFEST_PATH))) {
    throw new UserError(
      `${LOCK_FILE} is missing, but ${dir} was rendered before (${MANIFEST_PATH} exists): every address, VM id, MAC and interface would be allocated afresh and may move`,
      [`  hint: restore it (git checkout ${LOCK_FILE}); to allocate anew on purpose, pass --new-lock`],
    );
  }
  const { site, lock, lockChanges } = resolveSite(parsed.spec!, old, loadedVersions.versions);
  // A value the lock held that this resolve moved is never silent: a host changed VLAN, or the lock was damaged.
  const moved: Diagnostic[] = lockChanges.map((c) => ({
    code: 'lock/changed',
    severity: 'warning',
    message: `${LOCK_FILE} ${c.table} ${c.key}: ${c.from} → ${c.to} (the locked value no longer fits, e.g. outside its VLAN or taken)`,
    location: { file: LOCK_FILE },
    hint: 'expected if you moved it in beelab.yaml; otherwise restore the lock from git before rendering',
  }));
  return {
    dir,
    spec: parsed.spec!,
    site,
    lock,
    ...(lockText !== undefined ? { lockText } : {}),
    warnings: [...parsed.diagnostics, ...loadedVersions.diagnostics, ...moved],
    versionsText: loadedVersions.text,
    ...(versionsOnDisk !== undefined ? { versionsOnDisk } : {}),
  };
}

/** The resolved Site of a site directory, for runtime components (status, lab) that only need the model. */
export async function loadSite(dir: string): Promise<Site> {
  return (await loadProject(dir)).site;
}
