// Every layer's steps for a rendered site, from the layer registry.
import { devopsSteps } from '../layers/devops/steps.ts';
import { layers } from '../layers/index.ts';
import type { LayerModule } from '../layers/layer.ts';
import { networkSteps } from '../layers/network/steps.ts';
import type { Site } from '../site/types.ts';
import type { FileTree, Layer } from '../tree/file-tree.ts';
import type { Step } from './step.ts';

/**
 * Step builders written before their layer's `steps:` line was added to its index.ts. A layer that has
 * `steps` is asked directly; delete an entry here once its layer module sets `steps`.
 */
const PENDING_HOOKUPS: Partial<Record<Layer, (site: Site, files: FileTree) => Step[]>> = {
  network: networkSteps,
  devops: devopsSteps,
};

/** All steps, in registry order (the graph orders them; this order only breaks ties). */
export function collectSteps(site: Site, files: FileTree, registry: readonly LayerModule[] = layers): Step[] {
  return registry.flatMap((layer) => {
    if (layer.steps) return layer.steps(site, files);
    return PENDING_HOOKUPS[layer.id]?.(site, files) ?? [];
  });
}
