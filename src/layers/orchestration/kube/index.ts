// The cluster apps as a part of the orchestration layer: their manifests under k8s/<cluster>/apps/, the rule that
// their images are pinned, and the kustomization validator (the objects are k8s-models', registered by k3s/).

import { unpinnedImageRules } from '../compose/rules.ts';
import type { OrchestrationPart } from '../part.ts';
import { clusterApps } from './apps.ts';
import { kustomizationValidator } from './kustomization.ts';
import { renderClusterApps } from './render.ts';

export const clusterAppsPart: OrchestrationPart = {
  render: renderClusterApps,
  rules: (site) => unpinnedImageRules(clusterApps(site), site, `its folder under k8s/`),
  validators: () => [kustomizationValidator()],
};
