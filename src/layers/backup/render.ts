// Everything the backup layer writes: each backup server's /etc/proxmox-backup files, the Proxmox VE side, the
// restic clients and the Ansible that installs them.
import type { Site } from '../../site/types.ts';
import { FileTree } from '../../tree/file-tree.ts';
import { renderBackupAnsible } from './ansible.ts';
import { BACKUP_DOC_PATH, renderBackupDoc } from './backup-docs.ts';
import { CLONEZILLA_DIR, clonezillaFiles, GRUB_SCRIPT } from './clonezilla.ts';
import { backupModel, pbsServers } from './model.ts';
import { pbsDir, pbsFiles } from './pbs-config.ts';
import { PVE_JOBS_PATH, PVE_STORAGE_PATH, pveJobsCfg, pveStorageCfg } from './pve-config.ts';
import { resticDir, resticFiles, resticSources } from './restic.ts';
import { timesOfDay } from './rules.ts';

export function renderBackup(site: Site): FileTree {
  const tree = new FileTree();
  const model = backupModel(site);
  tree.merge(renderBackupAnsible(site, model));
  for (const [name, content] of Object.entries(clonezillaFiles(site)))
    tree.add(
      `${CLONEZILLA_DIR}/${name}`,
      content,
      'backup',
      name.endsWith('.sh') || name === GRUB_SCRIPT ? 0o755 : 0o644,
    );
  if (!model) return tree;
  tree.add(BACKUP_DOC_PATH, renderBackupDoc(site, model), 'backup');
  for (const s of pbsServers(model))
    for (const [name, content] of Object.entries(pbsFiles(site, model, s)))
      tree.add(`${pbsDir(s.host.name)}/${name}`, content, 'backup');
  if (site.hosts.some((h) => h.roles.includes('pve'))) {
    tree.add(PVE_STORAGE_PATH, pveStorageCfg(model), 'backup');
    tree.add(PVE_JOBS_PATH, pveJobsCfg(site, model), 'backup');
  }
  const first = timesOfDay(site.backup.schedule)?.[0] ?? 120;
  for (const src of resticSources(site, model))
    for (const [name, content] of Object.entries(resticFiles(site, src, first)))
      tree.add(
        `${resticDir(src.host.name)}/${name}`,
        content,
        'backup',
        name.endsWith('.sh') ? 0o755 : 0o644,
      );
  return tree;
}
