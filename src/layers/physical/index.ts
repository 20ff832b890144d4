// Layer 1, physical: the Proxmox VE cluster, its storage pool, its VMs, the Debian base of every Linux host and the UPS.
import type { LayerModule } from '../layer.ts';
import { PHYSICAL_PLAYBOOK, renderPhysicalAnsible } from './ansible.ts';
import { physicalSite } from './site.ts';

export const physicalLayer: LayerModule = {
  id: 'physical',
  layout: {
    title: '1 Physical',
    paths: ['ansible/'],
    what: 'Proxmox VE cluster, ZFS pool, NFS, VMs, Debian base of every Linux host, UPS (Ansible roles and playbook)',
    playbook: PHYSICAL_PLAYBOOK,
  },
  site: physicalSite,
  render: (site) => renderPhysicalAnsible(site),
};
