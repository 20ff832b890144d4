// The tree library's public API: what renderers and the render/plan commands import.
export { type FileEntry, FileTree, LAYERS, type Layer } from './file-tree.ts';
export { type FormatPlanOptions, formatPlan } from './format-plan.ts';
export { MANIFEST_PATH, type Manifest, type ManifestEntry } from './manifest.ts';
export {
  applyOverrides,
  OVERRIDES_DIR,
  type OverrideAction,
  type OverrideFiles,
  planOverrides,
} from './overrides.ts';
export * from './serialize/index.ts';
export {
  type ConflictReason,
  computePlan,
  conflictsOf,
  type FileStatus,
  hasChanges,
  type PlanEntry,
  type WriteAction,
  type WritePlan,
} from './write-plan.ts';
export {
  BACKUP_SUFFIX,
  type Backup,
  planTree,
  type WriteOptions,
  type WriteResult,
  writeTree,
} from './writer.ts';
