// Layer 6, the backup station: Proxmox Backup Server with its mirror, the Proxmox VE backup job, Clonezilla.
import type { LayerModule } from '../layer.ts';
import { BACKUP_PLAYBOOK } from './ansible.ts';
import { renderBackup } from './render.ts';
import { backupSite } from './site.ts';
import { backupSteps } from './steps.ts';
import { backupValidators } from './validators.ts';

export const backupLayer: LayerModule = {
  id: 'backup',
  layout: {
    title: '6 Backup station',
    paths: ['backup/', 'ansible/playbooks/backup.yml', 'docs/backup.md'],
    what: 'Proxmox Backup Server (datastore, prune, verify and sync jobs, users, tokens, ACLs, notifications), the Proxmox VE storage and backup job, restic file backups of the nodes, Pis and Macs, Clonezilla for the primary; the Ansible roles pbs_server, pve_backup, restic_client; docs/backup.md (sizes, restore times)',
    playbook: BACKUP_PLAYBOOK,
  },
  site: backupSite,
  render: renderBackup,
  validators: backupValidators,
  steps: backupSteps,
};
