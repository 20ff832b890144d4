// Security, across the layers: the Wazuh manager (single-node Compose) on the security node, the agent on every
// Debian-family host, the T-Pot honeypot on the security VLAN (modelled in the Site; its install is documented).
import type { Site } from '../../site/types.ts';
import { FileTree } from '../../tree/file-tree.ts';
import type { LayerModule } from '../layer.ts';
import { renderSecurityAnsible, SECURITY_PLAYBOOK } from './ansible.ts';
import { securitySite } from './site.ts';
import { securitySteps } from './steps.ts';
import { renderWazuhManager } from './wazuh/compose.ts';

function render(site: Site): FileTree {
  return new FileTree().merge(renderWazuhManager(site)).merge(renderSecurityAnsible(site));
}

export const securityLayer: LayerModule = {
  id: 'security',
  layout: {
    title: 'Security (across layers)',
    paths: ['security/'],
    what: 'Wazuh manager (Docker Compose, pinned by digest) and agents with file integrity monitoring per role, T-Pot honeypot',
    playbook: SECURITY_PLAYBOOK,
  },
  site: securitySite,
  render,
  steps: securitySteps,
};
