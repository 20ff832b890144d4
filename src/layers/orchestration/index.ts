// Layer 4, orchestration: the Talos and k3s clusters and the apps. The index only composes the parts: each
// part renders, validates and applies its own files (talos/, k3s/, ...) and adds its plays to the layer's
// playbook; add a part with one line in `parts` (compose/ and caddy/ are the Compose apps).
import { FileTree } from '../../tree/file-tree.ts';
import type { LayerModule } from '../layer.ts';
import { composePart } from './compose/part.ts';
import { k3sPart } from './k3s/index.ts';
import { clusterAppsPart } from './kube/index.ts';
import type { OrchestrationPart } from './part.ts';
import { ORCHESTRATION_PLAYBOOK, renderOrchestrationPlaybook } from './playbook.ts';
import { orchestrationSite } from './site.ts';
import { talosPart } from './talos/index.ts';

/** The parts, in the order their plays and steps run. */
const parts: readonly OrchestrationPart[] = [talosPart, k3sPart, clusterAppsPart, composePart];

export const orchestrationLayer: LayerModule = {
  id: 'orchestration',
  layout: {
    title: '4 Orchestration',
    paths: ['talos/', 'k3s/', 'k8s/', 'compose/', 'ansible/'],
    what: 'production Talos cluster (machine-config patches, talosctl script), DevOps k3s cluster (roles, kube-vip, Cilium, MetalLB), cluster apps, Docker Compose apps behind Caddy',
    playbook: ORCHESTRATION_PLAYBOOK,
  },
  site: orchestrationSite,
  render: (site, ctx) => {
    const tree = new FileTree();
    for (const p of parts) if (p.render) tree.merge(p.render(site, ctx));
    return tree.add(ORCHESTRATION_PLAYBOOK, renderOrchestrationPlaybook(site, parts), 'orchestration');
  },
  rules: (site) => parts.flatMap((p) => p.rules?.(site) ?? []),
  validators: () => parts.flatMap((p) => p.validators?.() ?? []),
  steps: (site, files) => parts.flatMap((p) => p.steps?.(site, files) ?? []),
};
