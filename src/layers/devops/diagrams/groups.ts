// Hosts grouped by what they do, so a diagram stays legible from one box to 200 nodes: a group is one box
// that lists its hosts, never one box per host.
import type { Host, HostRole } from '../../../site/types.ts';

export interface HostGroup {
  /** Stable key, e.g. `talos_worker`. */
  key: string;
  /** Plural title, e.g. "Talos workers". */
  label: string;
  /** The colour class (src/layers/svg.ts PALETTE_CSS). */
  category: string;
  hosts: Host[];
}

/** The first matching role names a host's group; order matters (a PVE node that is also a NUT server is a PVE node). */
const GROUPS: readonly { role: HostRole; key: string; label: string; category: string }[] = [
  { role: 'firewall', key: 'firewall', label: 'Firewall', category: 'network' },
  { role: 'pve_primary', key: 'pve', label: 'Proxmox VE nodes', category: 'compute' },
  { role: 'pve_compute', key: 'pve', label: 'Proxmox VE nodes', category: 'compute' },
  { role: 'pve', key: 'pve', label: 'Proxmox VE nodes', category: 'compute' },
  { role: 'pbs', key: 'pbs', label: 'Backup servers (PBS)', category: 'backup' },
  { role: 'security_node', key: 'security_node', label: 'Security node', category: 'security' },
  { role: 'honeypot', key: 'honeypot', label: 'Honeypot', category: 'security' },
  { role: 'talos_controlplane', key: 'talos_cp', label: 'Talos control planes', category: 'orchestration' },
  { role: 'talos_worker', key: 'talos_worker', label: 'Talos workers', category: 'orchestration' },
  { role: 'k3s_server', key: 'k3s_server', label: 'k3s servers', category: 'devops' },
  { role: 'k3s_agent', key: 'k3s_agent', label: 'k3s agents', category: 'devops' },
  { role: 'docker', key: 'docker', label: 'Compose hosts', category: 'orchestration' },
  { role: 'prometheus', key: 'monitor', label: 'Monitoring', category: 'observability' },
  { role: 'ai_head', key: 'ai_head', label: 'AI head', category: 'ai' },
  { role: 'ai_secondary', key: 'ai_secondary', label: 'AI secondaries', category: 'ai' },
  { role: 'ai_agent', key: 'ai_agent', label: 'AI agents', category: 'ai' },
  { role: 'ai', key: 'ai', label: 'AI nodes', category: 'ai' },
  { role: 'watchdog', key: 'watchdog', label: 'Watchdogs', category: 'pi' },
  { role: 'pikvm', key: 'power', label: 'Power control', category: 'power' },
  { role: 'smart_plug', key: 'power', label: 'Power control', category: 'power' },
  { role: 'device', key: 'device', label: 'Your devices', category: 'other' },
];

function groupOf(h: Host): { key: string; label: string; category: string } {
  for (const g of GROUPS) if (h.roles.includes(g.role)) return g;
  return { key: `kind_${h.kind}`, label: `Other ${h.kind === 'vm' ? 'VMs' : 'machines'}`, category: 'other' };
}

/** The colour class of one host. */
export function hostCategory(h: Host): string {
  return groupOf(h).category;
}

/** `hosts` grouped, groups in order of their first host (the Site's order), hosts in Site order inside. */
export function groupHosts(hosts: readonly Host[]): HostGroup[] {
  const out = new Map<string, HostGroup>();
  for (const h of hosts) {
    const g = groupOf(h);
    const existing = out.get(g.key);
    if (existing) existing.hosts.push(h);
    else out.set(g.key, { key: g.key, label: g.label, category: g.category, hosts: [h] });
  }
  return [...out.values()];
}
