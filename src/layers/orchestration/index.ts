// Layer 4, orchestration: the Talos and k3s clusters and the apps. Renders nothing yet (issue 14).
import type { LayerModule } from '../layer.ts';
import { orchestrationSite } from './site.ts';

export const orchestrationLayer: LayerModule = {
  id: 'orchestration',
  layout: {
    title: '4 Orchestration',
    paths: ['talos/', 'k3s/', 'kubernetes/', 'compose/'],
    what: 'production Talos cluster, DevOps k3s cluster, Docker Compose apps',
  },
  site: orchestrationSite,
};
