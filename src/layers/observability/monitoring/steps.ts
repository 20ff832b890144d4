// The monitoring's apply step: the observability playbook's monitoring play on the monitor host, verified by the
// three services running there.
import type { Site } from '../../../site/types.ts';
import type { FileTree } from '../../../tree/file-tree.ts';
import { ansibleAccess } from '../../devops/ansible-access.ts';
import { ANSIBLE_CFG_PATH } from '../../devops/ansible-scaffold.ts';
import { PHYSICAL_PLAYBOOK } from '../../physical/ansible.ts';
import { PHYSICAL_STEPS } from '../../physical/steps.ts';
import { DEFAULT_INVENTORY, type Step } from '../../step.ts';
import { OBSERVABILITY_PLAYBOOK } from '../playbook.ts';
import { MONITORING_ROLES, MONITORING_TAG } from './ansible.ts';
import { monitorHost } from './scrape-jobs.ts';

export const MONITORING_STEP = 'observability/monitoring';
/** The systemd units of Debian's packages the step starts. */
export const MONITORING_UNITS = [
  'prometheus-blackbox-exporter',
  'prometheus-alertmanager',
  'prometheus',
] as const;

const SSH = `ssh -o BatchMode=yes ${'$'}{BEELAB_SSH_OPTS:-}`; // a shell expansion, not a template

export function monitoringSteps(site: Site, files: FileTree): Step[] {
  const monitor = monitorHost(site);
  if (!monitor || !files.has(OBSERVABILITY_PLAYBOOK)) return [];
  const inputs = files
    .entries()
    .map(([p]) => p)
    .filter(
      (p) =>
        p === OBSERVABILITY_PLAYBOOK ||
        p === ANSIBLE_CFG_PATH ||
        p === DEFAULT_INVENTORY ||
        p.startsWith('ansible/group_vars/') ||
        p === `ansible/host_vars/${monitor.name}.yml` ||
        MONITORING_ROLES.some((r) => p.startsWith(`ansible/roles/${r}/`)) ||
        p.startsWith('monitoring/'),
    )
    .sort();
  const access = ansibleAccess(monitor);
  const user = access.ssh ? access.user : 'debian';
  return [
    {
      id: MONITORING_STEP,
      layer: 'observability',
      title: `Prometheus, Alertmanager and the blackbox exporter on ${monitor.name}`,
      hosts: [monitor.name],
      run: {
        kind: 'ansible-playbook',
        playbook: OBSERVABILITY_PLAYBOOK,
        tags: [MONITORING_TAG],
        config: ANSIBLE_CFG_PATH,
      },
      inputs,
      // The monitor is a Debian VM: the physical layer's base step made it (users, sshd, node exporter).
      after: files.has(PHYSICAL_PLAYBOOK) ? [PHYSICAL_STEPS.base] : [],
      verify: {
        kind: 'shell',
        script: `${SSH} ${user}@${monitor.address} systemctl is-active --quiet ${MONITORING_UNITS.join(' ')}`,
      },
      rebuild: { phase: 'app' },
    },
  ];
}
