// Writes a tree to disk: overrides applied, only changed files written (atomically), stale generated files removed.
import { randomBytes } from 'node:crypto';
import {
  chmod,
  constants,
  copyFile,
  lstat,
  mkdir,
  readFile,
  rename,
  rmdir,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { readDiskState, readOverrideFiles } from './disk.ts';
import type { FileTree } from './file-tree.ts';
import { MANIFEST_PATH, type Manifest, manifestOf, readManifest, serializeManifest } from './manifest.ts';
import { applyOverrides } from './overrides.ts';
import { isProtectedPath } from './paths.ts';
import { computePlan, conflictsOf, type PlanEntry, type WritePlan } from './write-plan.ts';

/** Options for planTree and writeTree. */
export interface WriteOptions {
  /** Overwrite or remove hand-edited files, after backing each up to `<file>.beelab-backup`. Default false. */
  force?: boolean;
}

/** A hand-edited file that --force saved before overwriting or removing it. */
export interface Backup {
  path: string;
  backup: string;
}

/** The plan that was carried out, plus where --force put the files it replaced. */
export interface WriteResult extends WritePlan {
  backups: Backup[];
}

export const BACKUP_SUFFIX = '.beelab-backup';
/** Files handled at once: enough to hide filesystem latency, few enough for a shared 2-core machine. */
const CONCURRENCY = 16;

async function inBatches<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY)
    await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}

interface Prepared {
  tree: FileTree;
  manifest: Manifest;
  plan: WritePlan;
}

async function prepare(dir: string, rendered: FileTree): Promise<Prepared> {
  const bad = rendered
    .entries()
    .map(([p]) => p)
    .filter(isProtectedPath);
  if (bad.length > 0) throw new Error(`a renderer generated protected path(s): ${bad.join(', ')}`);
  const tree = applyOverrides(rendered, await readOverrideFiles(dir));
  const manifest = await readManifest(dir);
  const disk = await readDiskState(dir, [...tree.entries().map(([p]) => p), ...manifest.keys()]);
  return { tree, manifest, plan: computePlan(tree, disk, manifest) };
}

/** What `beelab plan` shows: the rendered tree with `<dir>/overrides/` applied, compared with disk. Writes nothing. */
export async function planTree(dir: string, rendered: FileTree): Promise<WritePlan> {
  return (await prepare(dir, rendered)).plan;
}

function conflictError(conflicts: PlanEntry[]): UserError {
  return new UserError(
    `${conflicts.length} generated file(s) were changed outside Beelab; nothing was written`,
    [
      ...conflicts.map((e) =>
        e.reason === 'untracked'
          ? `  ! ${e.path}: exists but Beelab did not write it; rendering would overwrite it`
          : `  ! ${e.path}: edited by hand since Beelab wrote it; rendering would ${e.action === 'remove' ? 'remove' : 'overwrite'} it`,
      ),
      'To keep a change, move it into overrides/ (see docs/overrides.md): overrides/<path> replaces a file,',
      '<path>.merge.yaml deep-merges into it, <path>.append adds to it. Then render again.',
      `To discard the changes, re-run with --force: each file is first copied to <file>${BACKUP_SUFFIX}.`,
    ],
  );
}

/** Fails before any write when a file must go where a non-directory (not on its way out) sits. */
async function checkParents(dir: string, plan: WritePlan, force: boolean): Promise<void> {
  const leaving = new Set(
    plan.entries
      .filter((e) => e.action === 'remove' && (e.status !== 'conflict' || force))
      .map((e) => e.path),
  );
  const blocked: string[] = [];
  // Each folder is looked at once, however many files go into it.
  const seen = new Map<string, 'dir' | 'absent' | 'blocked'>();
  for (const e of plan.entries.filter((x) => x.action === 'create' || x.action === 'write')) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      let state = seen.get(parent);
      if (state === undefined) {
        const st = await lstat(join(dir, parent)).catch(() => undefined);
        state = !st ? 'absent' : st.isDirectory() || leaving.has(parent) ? 'dir' : 'blocked';
        seen.set(parent, state);
      }
      if (state === 'absent') break;
      if (state === 'blocked') {
        blocked.push(`  ${parent} is a file, but Beelab needs a folder there for ${e.path}`);
        break;
      }
    }
  }
  if (blocked.length > 0)
    throw new UserError('some generated files cannot be written', [
      ...blocked,
      '  Move those files away, then render again.',
    ]);
}

async function backup(dir: string, path: string): Promise<Backup> {
  for (let n = 0; ; n++) {
    const target = `${path}${BACKUP_SUFFIX}${n === 0 ? '' : `.${n}`}`;
    try {
      // EXCL: an earlier backup is the user's too; never overwrite it.
      await copyFile(join(dir, path), join(dir, target), constants.COPYFILE_EXCL);
      return { path, backup: target };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Write to a temp file beside the target, then rename: a reader never sees half a file. */
export async function writeAtomic(file: string, content: string, mode: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.beelab-tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, content, { mode });
    await chmod(tmp, mode); // writeFile's mode is filtered by the umask
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/** Removes a file, then each parent folder it leaves empty, up to (not including) dir. */
async function removeAndPrune(dir: string, path: string): Promise<void> {
  await unlink(join(dir, path)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  const parts = path.split('/').slice(0, -1);
  while (parts.length > 0) {
    try {
      await rmdir(join(dir, ...parts));
    } catch {
      return; // not empty (or not ours to remove): stop climbing
    }
    parts.pop();
  }
}

async function writeManifestIfChanged(dir: string, manifest: Manifest): Promise<void> {
  const text = serializeManifest(manifest);
  const file = join(dir, MANIFEST_PATH);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current !== text) await writeAtomic(file, text, 0o644);
}

/**
 * Applies `<dir>/overrides/` to the rendered tree and makes the disk match it. Stops with a UserError, before
 * writing anything, if a file Beelab would change or remove was edited by hand (unless force). Never touches
 * beelab.yaml, beelab.lock.yaml, overrides/, .git/. Returns what it did.
 */
export async function writeTree(
  dir: string,
  rendered: FileTree,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const force = options.force ?? false;
  const { tree, plan } = await prepare(dir, rendered);
  const conflicts = conflictsOf(plan);
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  await checkParents(dir, plan, force);
  await mkdir(dir, { recursive: true });

  const backups: Backup[] = [];
  for (const e of conflicts) backups.push(await backup(dir, e.path));
  // Removals first, so a file that becomes a folder (or the reverse) has room.
  // (Each removal prunes after its own unlink, so the last file out of a folder always removes it.)
  await inBatches(
    plan.entries.filter((e) => e.action === 'remove'),
    (e) => removeAndPrune(dir, e.path),
  );
  await inBatches(
    plan.entries.filter((e) => e.action === 'create' || e.action === 'write' || e.action === 'chmod'),
    (e) => {
      const file = tree.get(e.path)!;
      const full = join(dir, e.path);
      return e.action === 'chmod' ? chmod(full, file.mode) : writeAtomic(full, file.content, file.mode);
    },
  );
  await writeManifestIfChanged(dir, manifestOf(tree));
  return { ...plan, backups };
}
