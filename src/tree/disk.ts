// Reads what the planner needs from disk: hashes and modes of the files in play, and the override files.
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { sha256 } from './manifest.ts';
import { OVERRIDES_DIR, type OverrideFiles } from './overrides.ts';

/** A regular file on disk (symlinks are followed for reading; writing replaces the link itself). */
export interface DiskFile {
  sha256: string;
  mode: number;
}

/** Path → file for the paths asked about; a path that is absent is missing from the map. */
export type DiskState = ReadonlyMap<string, DiskFile>;

/** Bounded so a tree of thousands of files does not open thousands of descriptors at once. */
const CONCURRENCY = 32;

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

async function readOne(dir: string, path: string): Promise<DiskFile | undefined> {
  const full = join(dir, path);
  try {
    const link = await lstat(full);
    const st = link.isSymbolicLink() ? await stat(full) : link;
    if (!st.isFile()) {
      throw new UserError(
        `${path} exists on disk but is not a regular file, and Beelab generates a file there`,
        [`  Move ${full} out of the way, then run again.`],
      );
    }
    return { sha256: sha256(await readFile(full)), mode: st.mode & 0o777 };
  } catch (err) {
    // ENOTDIR: a parent is a file; the writer's pre-flight decides whether that parent is on its way out.
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

export async function readDiskState(dir: string, paths: Iterable<string>): Promise<DiskState> {
  const list = [...new Set(paths)].sort();
  const out = new Map<string, DiskFile>();
  for (let i = 0; i < list.length; i += CONCURRENCY) {
    const batch = list.slice(i, i + CONCURRENCY);
    const files = await Promise.all(batch.map((p) => readOne(dir, p)));
    batch.forEach((p, j) => {
      if (files[j]) out.set(p, files[j]);
    });
  }
  return out;
}

/** Every file under `<dir>/overrides/` (dotfiles included, `.gitkeep` skipped), keyed by its path below it. */
export async function readOverrideFiles(dir: string): Promise<OverrideFiles> {
  const root = join(dir, OVERRIDES_DIR);
  const out = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    let entries: string[];
    try {
      entries = (await readdir(join(root, rel))).sort();
    } catch (err) {
      if (rel === '' && code(err) === 'ENOENT') return;
      throw err;
    }
    for (const name of entries) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const full = join(root, path);
      const link = await lstat(full);
      const st = link.isSymbolicLink() ? await stat(full) : link;
      if (st.isDirectory() && link.isSymbolicLink()) {
        // Following it could loop forever; skipping it would silently drop overrides.
        throw new UserError(
          `${OVERRIDES_DIR}/${path} is a symbolic link to a folder, which overrides/ does not support`,
          ['  Replace it with a real folder (symbolic links to files are fine).'],
        );
      }
      if (st.isDirectory()) await walk(path);
      else if (st.isFile() && name !== '.gitkeep') out.set(path, await readFile(join(root, path), 'utf8'));
    }
  };
  await walk('');
  return out;
}
