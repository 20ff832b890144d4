// `beelab render` / `beelab plan`: load, resolve, render every layer, then plan or write (and keep the lock).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lock } from '../site/lock.ts';
import type { FileTree } from '../tree/file-tree.ts';
import { toYaml } from '../tree/serialize/index.ts';
import type { WritePlan } from '../tree/write-plan.ts';
import { planTree, type WriteResult, writeTree } from '../tree/writer.ts';
import { LOCK_FILE } from './files.ts';
import { type LoadOptions, loadProject, type Project } from './load.ts';
import { renderSite } from './render-site.ts';
import { VERSIONS_FILE } from './versions-file.ts';

export interface RenderOptions extends LoadOptions {
  /** Overwrite hand-edited generated files (each backed up first). */
  force?: boolean;
  /** Plan only: write nothing, not even the lock. */
  dryRun?: boolean;
}

export interface RenderOutcome {
  project: Project;
  tree: FileTree;
  plan: WritePlan | WriteResult;
  /** True when beelab.lock.yaml is new or its allocations changed (written unless dryRun). */
  lockChanged: boolean;
}

export function serializeLock(lock: Lock): string {
  return toYaml(lock, {
    header:
      'beelab.lock.yaml: every allocation (subnets, addresses, VM ids, MACs, placements) by a stable key.\nWritten by Beelab; commit it. An existing key never changes value.',
  });
}

export async function renderProject(dir: string, options: RenderOptions = {}): Promise<RenderOutcome> {
  const project = await loadProject(dir, options);
  const tree = renderSite(project.site);
  const lockText = serializeLock(project.lock);
  const lockChanged = lockText !== project.lockText;
  const versionsChanged = project.versionsText !== project.versionsOnDisk;
  if (options.dryRun) {
    return { project, tree, plan: await planTree(dir, tree), lockChanged };
  }
  // The tree first: if a hand-edited file stops the write, the lock stays as it was too.
  const plan = await writeTree(dir, tree, { force: options.force ?? false });
  if (lockChanged) await writeFile(join(dir, LOCK_FILE), lockText);
  // versions.yaml only ever gains keys here; a value in the file is the user's (or Renovate's).
  if (versionsChanged) await writeFile(join(dir, VERSIONS_FILE), project.versionsText);
  return { project, tree, plan, lockChanged };
}
