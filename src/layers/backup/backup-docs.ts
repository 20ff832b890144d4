// The generated repository's docs/backup.md: what is backed up where, how often, kept how long, how big it is
// expected to be (from the VMs' disks) and how long a full restore takes at the backup network's speed.
import type { Site } from '../../site/types.ts';
import { GENERATED_NOTICE } from '../../tree/serialize/index.ts';
import { code, doc, table } from '../markdown.ts';
import { clonePlan } from './clonezilla.ts';
import {
  BACKUP_LINK_GBPS,
  type BackupModel,
  DAILY_CHANGE,
  estimateNeedGb,
  PBS_SCHEDULES,
  pbsServers,
  REVERIFY_DAYS,
  transferHours,
  vmDiskGb,
} from './model.ts';
import { resticSources } from './restic.ts';

export const BACKUP_DOC_PATH = 'docs/backup.md';

/** `1 h 05 min`, `12 min` (at least a minute). */
export function duration(hours: number): string {
  const min = Math.max(1, Math.ceil(hours * 60));
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}

/** The retention as prose: `7 daily, 4 weekly, 6 monthly, 1 yearly`. */
function keepText(site: Site): string {
  const r = site.backup.retention;
  return (['daily', 'weekly', 'monthly', 'yearly'] as const)
    .filter((k) => r[k] > 0)
    .map((k) => `${r[k]} ${k}`)
    .join(', ');
}

export function renderBackupDoc(site: Site, model: BackupModel): string {
  const keep = keepText(site);
  const total = vmDiskGb(model);
  const nightly = Math.round(total * DAILY_CHANGE);
  const need = Math.ceil(estimateNeedGb(site, total));
  const vms = [...model.vms].sort((a, b) => (a.vm?.vmid ?? 0) - (b.vm?.vmid ?? 0));
  const clone = clonePlan(site);
  const restic = resticSources(site, model);
  const primary = model.primary.host.name;
  const what = table(
    ['what', 'to', 'when', 'kept'],
    [
      [
        `${vms.length} VM${vms.length === 1 ? '' : 's'} (vzdump, snapshot mode, encrypted on the client)`,
        `${primary}, datastore ${code(model.primary.datastore)}, namespace ${code(model.namespace)}`,
        code(site.backup.schedule),
        keep,
      ],
      ...(model.mirror
        ? [
            [
              `a copy of ${primary}'s datastore`,
              `${model.mirror.host.name} (pulls)`,
              code(PBS_SCHEDULES.sync),
              keep,
            ],
          ]
        : []),
      ...(restic.length > 0
        ? [
            [
              `files of ${restic.map((s) => s.host.name).join(', ')} (restic)`,
              `${primary}, one repository per host`,
              code(site.backup.schedule),
              keep,
            ],
          ]
        : []),
      ...(clone
        ? [
            [
              `${clone.node.name}'s system drive (Clonezilla)`,
              `its recovery drive ${code(clone.target)}`,
              `${code(site.backup.cloneSchedule)} (beelab-clonezilla.timer, once set up) and before upgrades (docs/runbooks/primary-disk-failed.md)`,
              'the last clone',
            ],
          ]
        : []),
    ],
  );
  const size = table(
    ['', 'GB'],
    [
      ['VM disks backed up (one full copy)', total],
      [`changes a night (${DAILY_CHANGE * 100}%)`, nightly],
      [`with the retention (${keep})`, need],
      ...pbsServers(model).map((s) => [
        `capacity of ${s.host.name} (${s.pool ? `ZFS mirror ${code(s.pool.name)}` : 'its VM disk'})`,
        s.capacityGb ?? 'unknown (no drive sizes in beelab.yaml)',
      ]),
    ],
  );
  const restore = table(
    ['VM', 'id', 'node', 'disk GB', 'full restore'],
    vms.map((h) => [
      h.name,
      h.vm?.vmid,
      h.vm?.node,
      h.vm?.diskGb,
      duration(transferHours(h.vm?.diskGb ?? 0)),
    ]),
  );
  return doc([
    `<!-- ${GENERATED_NOTICE} -->`,
    `# Backups of ${site.name}`,
    `Every figure is an upper bound from the VMs' disk sizes (a backup holds at most what the disks hold; PBS compresses and deduplicates), at the backup network's ${BACKUP_LINK_GBPS} Gbit/s (90% of it usable) and ${DAILY_CHANGE * 100}% of each disk changing a night.`,
    '## What, where, how often, kept how long',
    what,
    `On the backup servers: prune at ${code(PBS_SCHEDULES.prune)}, garbage collection at ${code(PBS_SCHEDULES.gc)}, verification at ${code(PBS_SCHEDULES.verify)} (new snapshots, and each again after ${REVERIFY_DAYS} days).`,
    '## How big',
    size,
    '## How long a restore takes',
    restore,
    `Everything at once: ${duration(transferHours(total))} for ${total} GB. A night's backup moves about ${nightly} GB (${duration(transferHours(nightly))}).`,
    `A VM comes back from its newest verified snapshot with \`beelab rebuild <vm>\` (its step \`backup/restore/<vm>\`), or in the Proxmox VE UI: storage ${code(primary)} → Backups → Restore${model.mirror ? `; from the mirror when ${primary} is gone: storage ${code(model.mirror.host.name)}` : ''}. A machine's files: \`beelab rebuild <host>\` (\`backup/restore-files/<host>\`) or \`/etc/beelab/restic/restore.sh\` on it.`,
    'Without `secrets/pbs-encryption-key.age` (in the recovery kit) no VM backup restores.',
  ]);
}
