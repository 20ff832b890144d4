// The devops layer's apply steps: prove Ansible reaches every host of the shared inventory, one step per layer group.

import type { Site } from '../../site/types.ts';
import type { FileTree } from '../../tree/file-tree.ts';
import { FIREWALL_STEP } from '../network/steps.ts';
import type { Step } from '../step.ts';
import { ansibleAccess } from './ansible-access.ts';
import { groupName, INVENTORY_PATH } from './ansible-inventory.ts';
import { GROUP_VARS_ALL_PATH } from './group-vars.ts';

/**
 * `ansible -m ping` per layer group (`layer_physical:&ssh`, ...): the first thing every later Ansible step
 * needs, and a quick "is everything reachable" after a rebuild. Hosts outside `ssh` (Talos, appliances,
 * smart plugs) are not Ansible's to reach. Runs after the firewall, which routes management traffic.
 */
export function devopsSteps(site: Site, files: FileTree): Step[] {
  const groups = new Map<string, string[]>();
  for (const h of site.hosts) {
    if (!ansibleAccess(h).ssh) continue;
    for (const layer of h.layers) {
      const g = `layer_${groupName(layer)}`;
      groups.set(g, [...(groups.get(g) ?? []), h.name]);
    }
  }
  const inputs = [INVENTORY_PATH, GROUP_VARS_ALL_PATH].filter((p) => files.has(p));
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, hosts]) => ({
      id: `ansible/ping/${group}`,
      layer: 'devops' as const,
      title: `Ansible reaches the ${hosts.length} host${hosts.length === 1 ? '' : 's'} of ${group}`,
      hosts,
      run: {
        kind: 'shell' as const,
        script: `ansible -i ${INVENTORY_PATH} '${group}:&ssh' -m ansible.builtin.ping`,
      },
      inputs,
      after: [FIREWALL_STEP],
    }));
}
