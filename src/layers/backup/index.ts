// Layer 6, the backup station: Proxmox Backup Server, its mirror and Clonezilla. Renders nothing yet (issue 16).
import type { LayerModule } from '../layer.ts';
import { backupSite } from './site.ts';

export const backupLayer: LayerModule = {
  id: 'backup',
  layout: {
    title: '6 Backup station',
    paths: ['backup/'],
    what: 'Proxmox Backup Server, mirror, retention, Clonezilla images',
  },
  site: backupSite,
};
