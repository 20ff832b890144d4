// Where each layer's files live in the generated repository: the README's map, kept next to the code.
import type { Layer } from '../../tree/file-tree.ts';

/** One row of the repository map. */
export interface LayoutEntry {
  layer: Layer;
  title: string;
  /** Top-level paths (directories end in /) this layer writes. */
  paths: string[];
  what: string;
}

/**
 * A layer that writes a new top-level directory adds it here: the golden test fails when a rendered
 * top-level path is missing from the README, so the map cannot silently drift from the output.
 */
export const LAYOUT: readonly LayoutEntry[] = [
  {
    layer: 'physical',
    title: '1 Physical',
    paths: ['ansible/', 'proxmox/'],
    what: 'Proxmox VE cluster, ZFS pool, NFS, VMs, UPS (Ansible playbooks and Proxmox definitions)',
  },
  {
    layer: 'network',
    title: '2 Network',
    paths: ['network/'],
    what: 'VLANs, addressing, firewall policy, DHCP/DNS for the chosen firewall platform',
  },
  {
    layer: 'devops',
    title: '3 DevOps pipeline',
    paths: [
      'README.md',
      'docs/',
      'ansible/inventory.yml',
      'ansible/group_vars/',
      '.beelab/',
      '.forgejo/',
      '.github/',
      'renovate.json',
    ],
    what: 'this repository itself: its docs, the shared Ansible inventory, CI, pinning and updates',
  },
  {
    layer: 'orchestration',
    title: '4 Orchestration',
    paths: ['talos/', 'k3s/', 'kubernetes/', 'compose/'],
    what: 'production Talos cluster, DevOps k3s cluster, Docker Compose apps',
  },
  {
    layer: 'ai',
    title: '5 AI station',
    paths: ['ai/'],
    what: 'AI mesh nodes, mesh VPN policy, OpenAI-compatible gateway',
  },
  {
    layer: 'backup',
    title: '6 Backup station',
    paths: ['backup/'],
    what: 'Proxmox Backup Server, mirror, retention, Clonezilla images',
  },
  {
    layer: 'observability',
    title: '7 Observability + recovery',
    paths: ['monitoring/', 'watchdog/', 'runbooks/'],
    what: 'Prometheus, Alertmanager, Grafana, Pi watchdogs, runbooks',
  },
  {
    layer: 'security',
    title: 'Security (across layers)',
    paths: ['security/'],
    what: 'Wazuh, T-Pot honeypot, hardening',
  },
];

/** Every top-level path the map documents, e.g. `ansible/` or `README.md`. */
export function documentedTopLevel(): Set<string> {
  return new Set(LAYOUT.flatMap((e) => e.paths.map((p) => (p.includes('/') ? `${p.split('/')[0]}/` : p))));
}
