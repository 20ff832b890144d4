// Layer 5, the AI station: the Mac mesh, its model servers and the gateway. Renders nothing yet (issue 15).
import type { LayerModule } from '../layer.ts';
import { aiSite } from './site.ts';

export const aiLayer: LayerModule = {
  id: 'ai',
  layout: {
    title: '5 AI station',
    paths: ['ai/'],
    what: 'AI mesh nodes, mesh VPN policy, OpenAI-compatible gateway',
  },
  site: aiSite,
};
