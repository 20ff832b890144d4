// Pure comparison of the tree Beelab wants with the disk and the manifest: what writing would do, per file.
import type { DiskState } from './disk.ts';
import type { FileTree, Layer } from './file-tree.ts';
import { type Manifest, sha256 } from './manifest.ts';

export type FileStatus = 'added' | 'changed' | 'removed' | 'unchanged' | 'conflict';
/** What the writer does to the file; for a conflict, what --force does after backing the file up. */
export type WriteAction = 'create' | 'write' | 'chmod' | 'remove' | 'none';
/** edited: differs from what Beelab last wrote. untracked: exists, but Beelab never wrote it. */
export type ConflictReason = 'edited' | 'untracked';

/** One file in a plan. */
export interface PlanEntry {
  path: string;
  layer: Layer;
  status: FileStatus;
  action: WriteAction;
  /** Set for conflicts. */
  reason?: ConflictReason;
  /** Set when the file exists with another mode than the one Beelab will give it. */
  modeChange?: { from: number; to: number };
}

/** Every file in play (tree ∪ manifest), sorted by path, with counts. Plain data: JSON.stringify gives `--json`. */
export interface WritePlan {
  entries: PlanEntry[];
  counts: Record<FileStatus, number>;
}

function entryFor(path: string, tree: FileTree, disk: DiskState, manifest: Manifest): PlanEntry | undefined {
  const want = tree.get(path);
  const last = manifest.get(path);
  const have = disk.get(path);
  if (want) {
    const base = { path, layer: want.layer };
    const modeChange =
      have && have.mode !== want.mode ? { modeChange: { from: have.mode, to: want.mode } } : {};
    // Includes a file the user deleted: it comes back, reported as added.
    if (!have) return { ...base, status: 'added', action: 'create' };
    if (have.sha256 === sha256(want.content)) {
      // Same bytes: nothing the user wrote can be lost, whatever the manifest says.
      return have.mode === want.mode
        ? { ...base, status: 'unchanged', action: 'none' }
        : { ...base, status: 'changed', action: 'chmod', ...modeChange };
    }
    if (last && have.sha256 === last.sha256)
      return { ...base, status: 'changed', action: 'write', ...modeChange };
    return {
      ...base,
      status: 'conflict',
      action: 'write',
      reason: last ? 'edited' : 'untracked',
      ...modeChange,
    };
  }
  // Only files in the manifest are ever removed; a file the user deleted already needs nothing.
  if (!last || !have) return undefined;
  if (have.sha256 === last.sha256) return { path, layer: last.layer, status: 'removed', action: 'remove' };
  return { path, layer: last.layer, status: 'conflict', action: 'remove', reason: 'edited' };
}

/** Compares the (overridden) tree with the disk and the manifest. Pure. */
export function computePlan(tree: FileTree, disk: DiskState, manifest: Manifest): WritePlan {
  const paths = [...new Set([...tree.entries().map(([p]) => p), ...manifest.keys()])].sort();
  const counts: Record<FileStatus, number> = { added: 0, changed: 0, removed: 0, unchanged: 0, conflict: 0 };
  const entries: PlanEntry[] = [];
  for (const path of paths) {
    const entry = entryFor(path, tree, disk, manifest);
    if (!entry) continue;
    entries.push(entry);
    counts[entry.status]++;
  }
  return { entries, counts };
}

/** True when writing would change anything on disk (conflicts included); what `plan --exit-code` tests. */
export function hasChanges(plan: WritePlan): boolean {
  return plan.entries.some((e) => e.status !== 'unchanged');
}

export function conflictsOf(plan: WritePlan): PlanEntry[] {
  return plan.entries.filter((e) => e.status === 'conflict');
}
