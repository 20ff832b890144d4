// The security playbook: the Wazuh manager on the security node, the agent on every Debian-family host, T-Pot on
// the honeypot.
import { imageOf } from '../../catalog/versions.ts';
import type { Site } from '../../site/types.ts';
import { FileTree } from '../../tree/file-tree.ts';
import { GENERATED_NOTICE } from '../../tree/serialize/index.ts';
import { ansibleYaml, roleFiles } from '../ansible-roles.ts';
import { fimPaths, roleAgents } from './agents.ts';
import { honeypotHost, tpotPlay } from './tpot.ts';
import { wazuhManagerHost } from './wazuh/compose.ts';

export const SECURITY_PLAYBOOK = 'ansible/playbooks/security.yml';
const ROLES = new URL('./roles/', import.meta.url);

/** The agent package version: the manager's image tag, so no agent is newer than its manager. */
export function agentVersion(site: Site): string {
  const tag = imageOf(site.versions, 'wazuh-manager').split('@')[0]!.split(':').at(-1)!;
  return `${tag}-1`;
}

function plays(site: Site): unknown[] {
  const honeypot = honeypotHost(site);
  const tpot = honeypot ? [tpotPlay(site, honeypot)] : [];
  return [...wazuhPlays(site), ...tpot];
}

function wazuhPlays(site: Site): unknown[] {
  const manager = wazuhManagerHost(site);
  if (!manager)
    return honeypotHost(site)
      ? []
      : [
          {
            name: 'Security: nothing to install on this site',
            hosts: 'localhost',
            gather_facts: false,
            tasks: [],
          },
        ];
  const agents = roleAgents(site);
  return [
    {
      name: 'Wazuh manager',
      hosts: manager.name,
      become: true,
      tags: ['wazuh', 'wazuh-manager'],
      vars: { wazuh_manager_indexer_image: imageOf(site.versions, 'wazuh-indexer') },
      roles: ['wazuh_manager'],
    },
    ...(agents.length > 0
      ? [
          {
            name: 'Wazuh agents',
            hosts: 'wazuh_agent:&debian',
            become: true,
            tags: ['wazuh', 'wazuh-agent'],
            vars: {
              wazuh_agent_manager: manager.address,
              wazuh_agent_version: agentVersion(site),
              wazuh_agent_fim_by_host: Object.fromEntries(agents.map((h) => [h.name, fimPaths(h)])),
            },
            roles: ['wazuh_agent'],
          },
        ]
      : []),
  ];
}

export function renderSecurityAnsible(site: Site): FileTree {
  const tree = new FileTree();
  if (wazuhManagerHost(site) || honeypotHost(site))
    for (const [path, content] of roleFiles(ROLES)) tree.add(`ansible/roles/${path}`, content, 'security');
  tree.add(
    SECURITY_PLAYBOOK,
    ansibleYaml(
      plays(site),
      `${GENERATED_NOTICE}\n\nSecurity: the Wazuh manager on the security node, the agent on every Debian-family host,\n` +
        'T-Pot on the honeypot. Run: beelab apply --only security (it decrypts the secrets), or ansible-playbook\n' +
        'playbooks/security.yml with BEELAB_SECRET_WAZUH_* and BEELAB_SECRET_TPOT_WEB_PASSWORD pointing at files that hold them.',
    ),
    'security',
  );
  return tree;
}
