// The Wazuh agents: which hosts the role installs (Debian family; the others are listed for a manual install)
// and what file integrity monitoring watches on each, by its roles.
import type { Host, HostRole, Site } from '../../site/types.ts';
import { isDebianFamily } from '../devops/ansible-access.ts';

/** Watched on every agent: configuration, system binaries, the boot loader. */
export const FIM_BASE = ['/etc', '/usr/bin', '/usr/sbin', '/boot'];

/** What each role adds: its own configuration and the code it runs. */
const FIM_BY_ROLE: [HostRole, string[]][] = [
  ['pve', ['/etc/pve', '/var/lib/vz/snippets']],
  ['pbs', ['/etc/proxmox-backup']],
  ['k3s', ['/etc/rancher', '/var/lib/rancher/k3s/server/manifests']],
  ['docker', ['/opt/beelab', '/etc/docker']],
  ['reverse_proxy', ['/etc/caddy']],
  ['prometheus', ['/etc/prometheus']],
  ['grafana', ['/etc/grafana']],
  ['nut_server', ['/etc/nut']],
  ['watchdog', ['/etc/beelab-watchdog', '/opt/beelab-watchdog']],
];

export function agents(site: Site): Host[] {
  return site.hosts.filter((h) => h.roles.includes('wazuh_agent'));
}

/** Agents the role installs (apt); the others (macOS, the firewall appliance) install Wazuh's own package by hand. */
export function roleAgents(site: Site): Host[] {
  return agents(site).filter(isDebianFamily);
}

export function fimPaths(host: Host): string[] {
  const out = [...FIM_BASE];
  for (const [role, paths] of FIM_BY_ROLE)
    if (host.roles.includes(role)) for (const p of paths) if (!out.includes(p)) out.push(p);
  return out;
}
