// Lists the files of a site directory as sorted, site-relative POSIX paths: the input of every validator.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Directories never checked, at any depth: version control, dependencies, Beelab's own state. */
export const IGNORED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.beelab']);

/**
 * Top-level directories never checked: `overrides/` holds inputs (partial merge files, replacements) whose
 * result is checked where it lands, in the generated file.
 */
export const IGNORED_TOP_DIRS: ReadonlySet<string> = new Set(['overrides']);

/** Every regular file under `dir` except the ignored directories (symlinks are not followed), sorted. */
export async function collectFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name) && !(rel === '' && IGNORED_TOP_DIRS.has(e.name))) await walk(path);
      } else if (e.isFile()) {
        out.push(path);
      }
    }
  }
  await walk('');
  return out.sort();
}
