// The physical layer's apply steps: its playbook, one tag group at a time, in rebuild order.
import type { Site } from '../../site/types.ts';
import type { FileTree } from '../../tree/file-tree.ts';
import { isDebianFamily } from '../devops/ansible-access.ts';
import { ANSIBLE_CFG_PATH } from '../devops/ansible-scaffold.ts';
import { FIREWALL_STEP } from '../network/steps.ts';
import type { RebuildPhase, Step } from '../step.ts';
import { createdVms, PHYSICAL_PLAYBOOK } from './ansible.ts';

/** The secret the NUT monitors log in with (upsd.users on the server, upsmon.conf everywhere). */
export const NUT_SECRET = 'nut-monitor-password';

export const PHYSICAL_STEPS = {
  nodes: 'physical/pve-nodes',
  storage: 'physical/pve-storage',
  vms: 'physical/pve-vms',
  base: 'physical/base',
  ups: 'physical/ups',
} as const;

/** The files a step over `hosts` reads: the playbook, the shared Ansible files, the roles, those hosts' vars. */
function inputsFor(files: FileTree, hosts: string[], roles: string[]): string[] {
  const own = new Set(hosts.map((h) => `ansible/host_vars/${h}.yml`));
  return files
    .entries()
    .map(([p]) => p)
    .filter(
      (p) =>
        p === PHYSICAL_PLAYBOOK ||
        p === ANSIBLE_CFG_PATH ||
        p === 'ansible/inventory.yml' ||
        p.startsWith('ansible/group_vars/') ||
        own.has(p) ||
        roles.some((r) => p.startsWith(`ansible/roles/${r}/`)),
    )
    .sort();
}

export function physicalSteps(site: Site, files: FileTree): Step[] {
  if (!files.has(PHYSICAL_PLAYBOOK)) return [];
  const step = (
    id: string,
    title: string,
    hosts: string[],
    tags: string[],
    roles: string[],
    phase: RebuildPhase,
    after: string[],
    extra: Partial<Step> = {},
  ): Step => ({
    id,
    layer: 'physical',
    title,
    hosts,
    run: { kind: 'ansible-playbook', playbook: PHYSICAL_PLAYBOOK, tags, config: ANSIBLE_CFG_PATH },
    inputs: inputsFor(files, hosts, roles),
    after,
    rebuild: { phase },
    ...extra,
  });
  const nodes = site.hosts.filter((h) => h.roles.includes('pve')).map((h) => h.name);
  const out: Step[] = [];
  let last = FIREWALL_STEP;
  if (nodes.length > 0) {
    out.push(
      step(
        PHYSICAL_STEPS.nodes,
        `Proxmox VE on ${nodes.join(', ')}: repositories, network, ${nodes.length > 1 ? 'cluster' : 'time'}`,
        nodes,
        ['pve-nodes', 'pve-cluster'],
        ['pve_host', 'chrony', 'pve_cluster'],
        'hypervisor',
        [FIREWALL_STEP],
      ),
      step(
        PHYSICAL_STEPS.storage,
        `The ${site.storage.pool} pool and the cluster's storage`,
        nodes,
        ['pve-storage'],
        ['pve_storage'],
        'storage',
        [PHYSICAL_STEPS.nodes],
      ),
    );
    last = PHYSICAL_STEPS.storage;
    const vms = createdVms(site).map((h) => h.name);
    if (vms.length > 0) {
      out.push(
        step(
          PHYSICAL_STEPS.vms,
          `Templates and the ${vms.length} VM${vms.length === 1 ? '' : 's'} (run on their Proxmox nodes)`,
          vms,
          ['pve-vms'],
          ['pve_vms'],
          'vm',
          [PHYSICAL_STEPS.storage],
          { rebuild: { phase: 'vm', provisions: true } },
        ),
      );
      last = PHYSICAL_STEPS.vms;
    }
  }
  const debian = site.hosts.filter(isDebianFamily).map((h) => h.name);
  if (debian.length > 0) {
    out.push(
      step(
        PHYSICAL_STEPS.base,
        `Debian base on ${debian.length} host${debian.length === 1 ? '' : 's'}: users, sshd, updates, node exporter, host firewall`,
        debian,
        ['base'],
        ['base', 'chrony'],
        'vm',
        [last],
      ),
    );
    last = PHYSICAL_STEPS.base;
  }
  const ups = site.hosts.filter((h) => h.roles.includes('nut_server') || h.roles.includes('nut_client'));
  if (site.ups && ups.length > 0) {
    out.push(
      step(
        PHYSICAL_STEPS.ups,
        `Network UPS Tools on ${ups.map((h) => h.name).join(', ')}`,
        ups.map((h) => h.name),
        ['ups'],
        ['nut'],
        'vm',
        [last],
        { secrets: [NUT_SECRET] },
      ),
    );
  }
  return out;
}
