// The Proxmox VE side of backups: a `pbs` storage per backup server (storage.cfg) and the nightly vzdump job
// (jobs.cfg), by their API parameter names; the pve_backup role sends the same options through the API.
import type { Site } from '../../site/types.ts';
import { type Section, toSectionConfig } from '../../tree/serialize/index.ts';
import { type BackupModel, type PbsServer, pbsServers } from './model.ts';

export const PVE_STORAGE_PATH = 'backup/pve/storage.cfg';
export const PVE_JOBS_PATH = 'backup/pve/jobs.cfg';

export interface PveEntry {
  id: string;
  /** API parameters (POST /storage, POST /cluster/backup) without the id. */
  options: Record<string, string | number>;
}

/** The storage id PVE knows a backup server by: its host name. */
export const storageId = (s: PbsServer) => s.host.name;

/** The vzdump job's id. */
export const jobId = (site: Site) => `backup-${site.name}`.slice(0, 32);

/**
 * One `pbs` storage per backup server. The fingerprint (of the server's certificate, known once it is installed)
 * and the token secret are set by the role at apply time; pruning is left to the backup server (keep-all).
 */
export function pveStorages(model: BackupModel): PveEntry[] {
  return pbsServers(model).map((s) => {
    const user = s.users.find((u) => u.userid === 'pve@pbs');
    return {
      id: storageId(s),
      options: {
        type: 'pbs',
        content: 'backup',
        datastore: s.datastore,
        namespace: model.namespace,
        'prune-backups': 'keep-all=1',
        server: s.host.address,
        username: `${user?.userid}!${user?.token}`,
      },
    };
  });
}

/** The nightly backup of every VM but the backup servers, to the primary, in snapshot mode. */
export function pveJob(site: Site, model: BackupModel): PveEntry {
  const exclude = model.excluded.map((h) => h.vm?.vmid).filter((id): id is number => id !== undefined);
  return {
    id: jobId(site),
    options: {
      all: 1,
      comment: `Every VM to ${model.primary.host.name} (namespace ${model.namespace}); retention on the backup server`,
      enabled: 1,
      ...(exclude.length > 0 ? { exclude: exclude.sort((a, b) => a - b).join(',') } : {}),
      mode: 'snapshot',
      'notification-mode': 'notification-system',
      'prune-backups': 'keep-all=1',
      // A node that was down at the scheduled time backs up as soon as it is back.
      'repeat-missed': 1,
      schedule: site.backup.schedule,
      storage: storageId(model.primary),
    },
  };
}

const HEADER =
  'The entries Beelab adds to /etc/pve/storage.cfg (through the API: the pve_backup role).\n' +
  'The fingerprint of each backup server and the token secret are set at apply time.';

export function pveStorageCfg(model: BackupModel): string {
  const sections: Section[] = pveStorages(model).map(({ id, options: { type, ...props } }) => ({
    type: String(type),
    id,
    props,
  }));
  return toSectionConfig(sections, { header: HEADER });
}

export function pveJobsCfg(site: Site, model: BackupModel): string {
  const job = pveJob(site, model);
  return toSectionConfig([{ type: 'vzdump', id: job.id, props: job.options }], {
    header: 'The backup job Beelab adds to /etc/pve/jobs.cfg (through the API: the pve_backup role).',
  });
}
