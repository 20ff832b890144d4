// The backup station as one model: which Proxmox Backup Servers, their datastores and drives, the jobs and their
// schedules, the users and tokens each client gets. Renderers, rules, steps and docs all read this.
import type { Host, Site } from '../../site/types.ts';

/** Job schedules Beelab sets on the backup servers (systemd calendar events, as PBS reads them). */
export const PBS_SCHEDULES = {
  /** Prune after the night's backups, before verification reads them. */
  prune: '*-*-* 05:00',
  /** Garbage collection after the prune, so pruned chunks go the same morning. */
  gc: '*-*-* 05:30',
  /** Verification last: reads every new snapshot once, then again after `reverifyDays`. */
  verify: '*-*-* 06:00',
  /** The mirror pulls once the primary's night is over. */
  sync: '*-*-* 08:00',
} as const;

/** Re-verify a snapshot verified this many days ago (bit rot shows up between verifications). */
export const REVERIFY_DAYS = 30;

/** The datastore's name on every backup server, and the ZFS pool the backup drives form. */
export const DATASTORE = 'main';
export const BACKUP_POOL = 'backup';

export interface PbsUser {
  /** `pve@pbs`. */
  userid: string;
  /** Token name after `!`. */
  token: string;
  /** Role on the datastore (or its namespace); `Audit` on `/` for the monitoring's read-only token. */
  role: 'DatastoreBackup' | 'DatastoreReader' | 'Audit';
  /** ACL path, e.g. `/datastore/main/beelab`. */
  path: string;
  comment: string;
  /** The secret (under secrets/) holding the token's value. */
  secret: string;
}

export interface PbsServer {
  host: Host;
  role: 'primary' | 'mirror';
  datastore: string;
  /** Where the datastore lives: a dataset of the backup pool, or a directory on a VM's disk. */
  path: string;
  /** ZFS mirror of the backup drives (by id); absent when the server has fewer than two (a VM). */
  pool?: { name: string; vdevs: string[] };
  /** Usable capacity in GB for backups, when known from the drives or the VM's disk. */
  capacityGb?: number;
  users: PbsUser[];
  /** Mirror only: the server it pulls from. */
  pullsFrom?: string;
}

export interface BackupModel {
  /** Namespace the Proxmox VE cluster's backups go to (one per source cluster). */
  namespace: string;
  primary: PbsServer;
  mirror?: PbsServer;
  /** The VMs the vzdump job backs up: every VM but the backup servers themselves. */
  vms: Host[];
  /** VM ids left out of the job (a backup server does not back itself up into itself). */
  excluded: Host[];
}

/** The secret holding the PVE cluster's token on `server` (`pbs-pve-token-pbs1`). */
export const pveTokenSecret = (server: string) => `pbs-pve-token-${server}`;
/** The secret holding the client-side encryption key of the VM backups (in the recovery kit). */
export const PBS_ENCRYPTION_SECRET = 'pbs-encryption-key';
/** The secret holding the mirror's sync token on the primary. */
export const syncTokenSecret = (mirror: string) => `pbs-sync-token-${mirror}`;
/** The secret of the PBS exporter's token on every backup server (the monitor's exporter uses one token). */
export const PBS_EXPORTER_SECRET = 'pbs-exporter-token';
/** The PBS exporter's account: its token reads every datastore and the node's status, and changes nothing. */
export const PBS_EXPORTER_USER = { userid: 'prometheus@pbs', token: 'pbs-exporter' } as const;

function mirrorVdevs(drives: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < drives.length; i += 2) out.push(`mirror ${drives[i]} ${drives[i + 1]}`);
  return out;
}

function server(site: Site, host: Host, role: PbsServer['role'], ns: string, primary?: Host): PbsServer {
  const drives = host.drives.filter((d) => d.role === 'backup');
  const pooled = drives.length >= 2;
  const sizes = drives.map((d) => d.sizeGb);
  // A mirror of pairs holds half of the raw capacity; an odd drive out is left unused.
  const capacityGb = pooled
    ? sizes.every((s) => s !== undefined)
      ? mirrorVdevs(drives.map((d) => d.id)).reduce(
          (sum, _, i) => sum + Math.min(sizes[2 * i] ?? 0, sizes[2 * i + 1] ?? 0),
          0,
        )
      : undefined
    : host.vm?.diskGb;
  const users: PbsUser[] = [
    {
      userid: 'pve@pbs',
      token: site.name.slice(0, 15),
      role: role === 'primary' ? 'DatastoreBackup' : 'DatastoreReader',
      path: `/datastore/${DATASTORE}/${ns}`,
      comment:
        role === 'primary'
          ? 'Proxmox VE cluster: writes its backups, reads them back'
          : 'Proxmox VE cluster: restores from the mirror when the primary is gone',
      secret: pveTokenSecret(host.name),
    },
    // Prometheus reads each server through the PBS exporter on the monitor (observability/monitoring).
    ...(site.hosts.some((h) => h.roles.includes('prometheus'))
      ? [
          {
            ...PBS_EXPORTER_USER,
            role: 'Audit' as const,
            path: '/',
            comment: 'Prometheus (the PBS exporter on the monitor): reads, changes nothing',
            secret: PBS_EXPORTER_SECRET,
          },
        ]
      : []),
  ];
  return {
    host,
    role,
    datastore: DATASTORE,
    path: pooled ? `/${BACKUP_POOL}/${DATASTORE}` : `/srv/backup/${DATASTORE}`,
    ...(pooled ? { pool: { name: BACKUP_POOL, vdevs: mirrorVdevs(drives.map((d) => d.id)) } } : {}),
    ...(capacityGb !== undefined ? { capacityGb } : {}),
    users,
    ...(primary ? { pullsFrom: primary.name } : {}),
  };
}

/** The backup model, or undefined when the Site has no backup server. */
export function backupModel(site: Site): BackupModel | undefined {
  const byName = (name: string | undefined) => site.hosts.find((h) => h.name === name);
  const primaryHost = byName(site.backup.primary);
  if (!primaryHost) return undefined;
  const ns = site.name.slice(0, 15);
  const primary = server(site, primaryHost, 'primary', ns);
  const mirrorHost = byName(site.backup.mirror);
  let mirror: PbsServer | undefined;
  if (mirrorHost && mirrorHost.name !== primaryHost.name) {
    mirror = server(site, mirrorHost, 'mirror', ns, primaryHost);
    primary.users.push({
      userid: 'sync@pbs',
      token: mirrorHost.name,
      role: 'DatastoreReader',
      path: `/datastore/${DATASTORE}`,
      comment: `${mirrorHost.name} pulls a copy of the whole datastore`,
      secret: syncTokenSecret(mirrorHost.name),
    });
  }
  const servers = new Set([primaryHost.name, mirrorHost?.name]);
  const vms = site.hosts.filter((h) => h.vm);
  return {
    namespace: ns,
    primary,
    ...(mirror ? { mirror } : {}),
    vms: vms.filter((h) => !servers.has(h.name)),
    excluded: vms.filter((h) => servers.has(h.name)),
  };
}

export function pbsServers(model: BackupModel): PbsServer[] {
  return model.mirror ? [model.primary, model.mirror] : [model.primary];
}

/** The backup network's speed Beelab plans with (the management VLAN on gigabit), in Gbit/s. */
export const BACKUP_LINK_GBPS = 1;
/** Share of a VM's disk that changes in a day, for the nightly transfer and the retention's size. */
export const DAILY_CHANGE = 0.1;

/** GB of every disk the vzdump job backs up. */
export function vmDiskGb(model: BackupModel): number {
  return model.vms.reduce((n, h) => n + (h.vm?.diskGb ?? 0), 0);
}

/** Hours to move `gb` over the backup network (decimal GB, 90% of the line rate). */
export function transferHours(gb: number): number {
  return (gb * 8) / (BACKUP_LINK_GBPS * 0.9) / 3600;
}

/**
 * What the datastore needs for `totalGb` of VM disks: one full copy, plus each retained snapshot's changes
 * (deduplicated, uncompressed: an upper bound for disks as full as their size).
 */
export function estimateNeedGb(site: Site, totalGb: number): number {
  const r = site.backup.retention;
  return totalGb * (1 + DAILY_CHANGE * (r.daily + r.weekly + r.monthly + r.yearly));
}
