// The labels every target carries: which host, which layer, what the host is, and whether the firewall sits
// between it and Prometheus. Alerts, inhibitions and dashboards group by these, never by address.
import type { Host, HostRole, Site } from '../../../site/types.ts';

/** The role that says what a host is, most specific first; a host's first role otherwise. */
const ROLE_ORDER: readonly HostRole[] = [
  'firewall',
  'pve_primary',
  'pve_compute',
  'pbs',
  'wazuh_manager',
  'security_node',
  'talos_controlplane',
  'talos_worker',
  'k3s_server',
  'k3s_agent',
  'prometheus',
  'reverse_proxy',
  'docker',
  'honeypot',
  'ai_head',
  'ai_secondary',
  'ai_agent',
  'watchdog',
  'pikvm',
  'smart_plug',
  'device',
];

/** What the host is, as one label value (`pve_primary`, `k3s_server`, `watchdog`, ...). */
export function hostRole(host: Host): string {
  return ROLE_ORDER.find((r) => host.roles.includes(r)) ?? host.roles[0] ?? host.kind;
}

/** Target labels: host, layer, role, vlan; `behind_firewall="true"` when Prometheus reaches it through the firewall. */
export function targetLabels(site: Site, host: Host, layer?: string): Record<string, string> {
  const monitor = site.hosts.find((h) => h.name === site.observability.monitor);
  const behind = monitor !== undefined && host.vlan !== monitor.vlan && host.name !== site.firewall.host;
  return {
    host: host.name,
    layer: layer ?? host.layers[0] ?? 'physical',
    role: hostRole(host),
    vlan: host.vlan,
    ...(behind ? { behind_firewall: 'true' } : {}),
  };
}
