// Security, across the layers: the Wazuh manager and the T-Pot honeypot. Renders nothing yet (issue 17).
import type { LayerModule } from '../layer.ts';
import { securitySite } from './site.ts';

export const securityLayer: LayerModule = {
  id: 'security',
  layout: {
    title: 'Security (across layers)',
    paths: ['security/'],
    what: 'Wazuh, T-Pot honeypot, hardening',
  },
  site: securitySite,
};
