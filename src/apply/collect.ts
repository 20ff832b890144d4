// Every layer's steps for a rendered site, from the layer registry.
import { layers } from '../layers/index.ts';
import type { LayerModule } from '../layers/layer.ts';
import type { Step } from '../layers/step.ts';
import type { Site } from '../site/types.ts';
import type { FileTree } from '../tree/file-tree.ts';

/** All steps, in registry order (the graph orders them; this order only breaks ties). */
export function collectSteps(site: Site, files: FileTree, registry: readonly LayerModule[] = layers): Step[] {
  return registry.flatMap((layer) => layer.steps?.(site, files) ?? []);
}

/**
 * What `beelab apply` runs: every step but the restores. A restore overwrites a VM or a machine's data with its
 * backup, which only a rebuild (new, empty hardware) wants.
 */
export function applySteps(steps: readonly Step[]): Step[] {
  return steps.filter((s) => s.rebuild?.phase !== 'restore');
}
