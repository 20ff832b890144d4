// The monitoring's Ansible: the roles of the monitor host (files, copied as they are) and the play that installs
// them: the blackbox exporter, the Proxmox VE, PBS and NUT exporters the scrape jobs ask, Alertmanager, Prometheus
// and Grafana. Node exporters come with the physical layer's base role (node-exporter.ts says where else).
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { roleFiles } from '../../ansible-roles.ts';
import type { Play } from '../playbook.ts';
import { LOCAL_EXPORTERS } from './probes.ts';
import { monitorHost, scrapeJobs } from './scrape-jobs.ts';

const ROLES = new URL('./roles/', import.meta.url);
export const MONITORING_TAG = 'monitoring';
/** Every role the monitoring play may name (the step's inputs). */
export const ALL_MONITORING_ROLES = [
  'blackbox_exporter',
  'pve_exporter',
  'pbs_exporter',
  'nut_exporter',
  'alertmanager',
  'prometheus',
  'grafana',
] as const;
export type MonitoringRole = (typeof ALL_MONITORING_ROLES)[number];

export function monitoringRoleFiles(): FileTree {
  const tree = new FileTree();
  for (const [path, content] of roleFiles(ROLES)) tree.add(`ansible/roles/${path}`, content, 'observability');
  return tree;
}

/** The exporters on the monitor that the site's scrape jobs ask (`via`), in LOCAL_EXPORTERS order. */
export function localExporters(site: Site): (keyof typeof LOCAL_EXPORTERS)[] {
  const used = new Set(scrapeJobs(site).flatMap((j) => (j.via ? [j.via.exporter] : [])));
  return (Object.keys(LOCAL_EXPORTERS) as (keyof typeof LOCAL_EXPORTERS)[]).filter((k) =>
    used.has(`127.0.0.1:${LOCAL_EXPORTERS[k].port}`),
  );
}

/**
 * The monitor's roles in play order: the exporters and the alert routing are up before Prometheus uses them, and
 * Prometheus before the dashboards that read it. An exporter no job asks is not installed.
 */
export function monitoringRoles(site: Site): MonitoringRole[] {
  const exporters = localExporters(site).map((k) => LOCAL_EXPORTERS[k].role);
  return ALL_MONITORING_ROLES.filter(
    (r) => !r.endsWith('_exporter') || (exporters as readonly string[]).includes(r),
  );
}

/** The exporters' versions from the versions catalog (Renovate bumps versions.yaml; the play follows). */
function exporterVars(site: Site, roles: readonly MonitoringRole[]): Record<string, string> {
  const bare = (v: string) => v.replace(/^v/, '');
  const vars: Record<string, string> = {};
  if (roles.includes('pve_exporter')) vars.pve_exporter_version = site.versions.pveExporter;
  if (roles.includes('pbs_exporter')) vars.pbs_exporter_version = bare(site.versions.pbsExporter);
  if (roles.includes('nut_exporter')) vars.nut_exporter_version = bare(site.versions.nutExporter);
  return vars;
}

/** One play on the monitor host; none on a site without one. */
export function monitoringPlays(site: Site): Play[] {
  const monitor = monitorHost(site);
  if (!monitor) return [];
  const roles = monitoringRoles(site);
  const vars: Record<string, unknown> = {
    ...exporterVars(site, roles),
    // alertmanager.yml names the relay's password file: the role then requires the password.
    ...(site.observability.smtp?.username ? { alertmanager_smtp_auth: true } : {}),
  };
  const names = { blackbox: 'blackbox', pve: 'Proxmox VE', pbs: 'PBS', nut: 'NUT' };
  const exporters = localExporters(site).map((k) => names[k]);
  return [
    {
      name: `Monitoring on ${monitor.name} (${exporters.join(', ')} exporter${exporters.length > 1 ? 's' : ''}, Alertmanager, Prometheus, Grafana)`,
      hosts: monitor.name,
      become: true,
      tags: [MONITORING_TAG],
      ...(Object.keys(vars).length > 0 ? { vars } : {}),
      roles,
    },
  ];
}
