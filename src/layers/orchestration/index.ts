// Layer 4, orchestration: the Talos and k3s clusters and the apps. Each part (compose/, ...) renders its own
// files, rules and steps; this module only puts them together.
import { FileTree } from '../../tree/file-tree.ts';
import type { LayerModule } from '../layer.ts';
import { renderCaddy } from './caddy/render.ts';
import { renderCompose } from './compose/render.ts';
import { composeRules } from './compose/rules.ts';
import { orchestrationSite } from './site.ts';

export const orchestrationLayer: LayerModule = {
  id: 'orchestration',
  layout: {
    title: '4 Orchestration',
    paths: ['talos/', 'k3s/', 'kubernetes/', 'compose/'],
    what: 'production Talos cluster, DevOps k3s cluster, Docker Compose apps',
  },
  site: orchestrationSite,
  render: (site) => new FileTree().merge(renderCompose(site)).merge(renderCaddy(site)),
  rules: (site) => [...composeRules(site)],
};
