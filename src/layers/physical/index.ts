// Layer 1, physical: the Proxmox VE cluster, its storage pool, its VMs, the Debian base of every Linux host and the UPS.
import type { LayerModule } from '../layer.ts';
import { PHYSICAL_PLAYBOOK, renderPhysicalAnsible } from './ansible.ts';
import { RACK_MD_PATH, RACK_SVG_PATH, renderRackMd, renderRackSvg } from './rack-docs.ts';
import { physicalSite } from './site.ts';
import { physicalSteps } from './steps.ts';

export const physicalLayer: LayerModule = {
  id: 'physical',
  layout: {
    title: '1 Physical',
    paths: ['ansible/', 'docs/rack.md', 'docs/rack.svg'],
    what: 'Proxmox VE cluster, ZFS pool, NFS, VMs, Debian base of every Linux host, UPS (Ansible roles and playbook), the rack map',
    playbook: PHYSICAL_PLAYBOOK,
  },
  site: physicalSite,
  render: (site) =>
    renderPhysicalAnsible(site)
      .add(RACK_MD_PATH, renderRackMd(site), 'physical')
      .add(RACK_SVG_PATH, renderRackSvg(site), 'physical'),
  steps: physicalSteps,
};
