// The security layer's apply step: the Wazuh manager, then the agents, with the Wazuh secrets.
import type { Site } from '../../site/types.ts';
import type { FileTree } from '../../tree/file-tree.ts';
import { ANSIBLE_CFG_PATH } from '../devops/ansible-scaffold.ts';
import { PHYSICAL_PLAYBOOK } from '../physical/ansible.ts';
import { PHYSICAL_STEPS } from '../physical/steps.ts';
import { DEFAULT_INVENTORY, type Step } from '../step.ts';
import { roleAgents } from './agents.ts';
import { SECURITY_PLAYBOOK } from './ansible.ts';
import { wazuhManagerHost } from './wazuh/compose.ts';

export const WAZUH_STEP = 'security/wazuh';
export const WAZUH_SECRETS = ['wazuh-enrollment-password', 'wazuh-indexer-password', 'wazuh-api-password'];

export function securitySteps(site: Site, files: FileTree): Step[] {
  const manager = wazuhManagerHost(site);
  if (!manager || !files.has(SECURITY_PLAYBOOK)) return [];
  const hosts = [manager.name, ...roleAgents(site).map((h) => h.name)];
  const inputs = files
    .entries()
    .map(([p]) => p)
    .filter(
      (p) =>
        p === SECURITY_PLAYBOOK ||
        p === ANSIBLE_CFG_PATH ||
        p === DEFAULT_INVENTORY ||
        p.startsWith('ansible/group_vars/') ||
        p.startsWith('ansible/roles/wazuh_') ||
        p.startsWith('security/wazuh/'),
    )
    .sort();
  return [
    {
      id: WAZUH_STEP,
      layer: 'security',
      title: `Wazuh manager on ${manager.name}, the agent on ${hosts.length - 1} host${hosts.length === 2 ? '' : 's'}`,
      hosts,
      run: {
        kind: 'ansible-playbook',
        playbook: SECURITY_PLAYBOOK,
        tags: ['wazuh'],
        config: ANSIBLE_CFG_PATH,
      },
      inputs,
      after: files.has(PHYSICAL_PLAYBOOK) ? [PHYSICAL_STEPS.base] : [],
      secrets: WAZUH_SECRETS,
      rebuild: { phase: 'app' },
    },
  ];
}
