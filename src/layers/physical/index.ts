// Layer 1, physical: the Proxmox VE cluster, its storage pool and the UPS. Renders nothing yet (issue 13).
import type { LayerModule } from '../layer.ts';
import { physicalSite } from './site.ts';

export const physicalLayer: LayerModule = {
  id: 'physical',
  layout: {
    title: '1 Physical',
    paths: ['ansible/', 'proxmox/'],
    what: 'Proxmox VE cluster, ZFS pool, NFS, VMs, UPS (Ansible playbooks and Proxmox definitions)',
  },
  site: physicalSite,
};
