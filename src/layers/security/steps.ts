// The security layer's apply steps: the Wazuh manager and agents with the Wazuh secrets, T-Pot with its web password.
import type { Site } from '../../site/types.ts';
import type { FileTree } from '../../tree/file-tree.ts';
import { ANSIBLE_CFG_PATH } from '../devops/ansible-scaffold.ts';
import { PHYSICAL_PLAYBOOK } from '../physical/ansible.ts';
import { PHYSICAL_STEPS } from '../physical/steps.ts';
import { DEFAULT_INVENTORY, type Step } from '../step.ts';
import { roleAgents } from './agents.ts';
import { SECURITY_PLAYBOOK } from './ansible.ts';
import { honeypotHost, TPOT_WEB_PORT, TPOT_WEB_SECRET } from './tpot.ts';
import { wazuhManagerHost } from './wazuh/compose.ts';

export const WAZUH_STEP = 'security/wazuh';
export const WAZUH_SECRETS = ['wazuh-enrollment-password', 'wazuh-indexer-password', 'wazuh-api-password'];
export const TPOT_STEP = 'security/tpot';

/** The playbook, the shared Ansible files and whatever else `own` claims, sorted. */
function inputsOf(files: FileTree, own: (path: string) => boolean): string[] {
  return files
    .entries()
    .map(([p]) => p)
    .filter(
      (p) =>
        p === SECURITY_PLAYBOOK ||
        p === ANSIBLE_CFG_PATH ||
        p === DEFAULT_INVENTORY ||
        p.startsWith('ansible/group_vars/') ||
        own(p),
    )
    .sort();
}

export function securitySteps(site: Site, files: FileTree): Step[] {
  if (!files.has(SECURITY_PLAYBOOK)) return [];
  const after = files.has(PHYSICAL_PLAYBOOK) ? [PHYSICAL_STEPS.base] : [];
  const out: Step[] = [];
  const manager = wazuhManagerHost(site);
  if (manager) {
    const hosts = [manager.name, ...roleAgents(site).map((h) => h.name)];
    out.push({
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
      inputs: inputsOf(files, (p) => p.startsWith('ansible/roles/wazuh_') || p.startsWith('security/wazuh/')),
      after,
      secrets: WAZUH_SECRETS,
      rebuild: { phase: 'app' },
    });
  }
  const honeypot = honeypotHost(site);
  if (honeypot) {
    out.push({
      id: TPOT_STEP,
      layer: 'security',
      title: `T-Pot honeypot on ${honeypot.name}`,
      hosts: [honeypot.name],
      run: {
        kind: 'ansible-playbook',
        playbook: SECURITY_PLAYBOOK,
        tags: ['tpot'],
        config: ANSIBLE_CFG_PATH,
      },
      inputs: inputsOf(
        files,
        (p) => p.startsWith('ansible/roles/tpot/') || p === `ansible/host_vars/${honeypot.name}.yml`,
      ),
      after,
      // T-Pot's nginx answers its web UI with 401 until its web user logs in: it runs.
      verify: {
        kind: 'http',
        url: `https://${honeypot.address}:${TPOT_WEB_PORT}/`,
        expectStatus: [401],
        insecure: true,
      },
      secrets: [TPOT_WEB_SECRET],
      rebuild: { phase: 'app' },
      notInLab:
        "T-Pot's installer needs the internet: its release from GitHub, Docker's apt repository and about 30 images from ghcr.io",
    });
  }
  return out;
}
