// The monitoring's Ansible: the prometheus, alertmanager, blackbox_exporter and grafana roles (files, copied as they are)
// and the play that installs them on the monitor host. Node exporters come with the physical layer's base role.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { roleFiles } from '../../ansible-roles.ts';
import type { Play } from '../playbook.ts';
import { monitorHost } from './scrape-jobs.ts';

const ROLES = new URL('./roles/', import.meta.url);
export const MONITORING_TAG = 'monitoring';
/** The monitor's roles in play order: the probes and the alert routing are up before Prometheus uses them, and
 * Prometheus before the dashboards that read it. */
export const MONITORING_ROLES = ['blackbox_exporter', 'alertmanager', 'prometheus', 'grafana'] as const;

export function monitoringRoleFiles(): FileTree {
  const tree = new FileTree();
  for (const [path, content] of roleFiles(ROLES)) tree.add(`ansible/roles/${path}`, content, 'observability');
  return tree;
}

/** One play on the monitor host; none on a site without one. */
export function monitoringPlays(site: Site): Play[] {
  const monitor = monitorHost(site);
  if (!monitor) return [];
  return [
    {
      name: `Monitoring on ${monitor.name} (blackbox exporter, Alertmanager, Prometheus, Grafana)`,
      hosts: monitor.name,
      become: true,
      tags: [MONITORING_TAG],
      // alertmanager.yml names the relay's password file: the role then requires the password.
      ...(site.observability.smtp?.username ? { vars: { alertmanager_smtp_auth: true } } : {}),
      roles: [...MONITORING_ROLES],
    },
  ];
}
