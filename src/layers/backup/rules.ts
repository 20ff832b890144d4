// Rules over the backup plan, located in beelab.yaml: a retention that keeps nothing, a mirror on the primary's
// machine, backup drives too small for the VMs' disks, and a nightly backup that runs into the verify window.

import type { Host, Site } from '../../site/types.ts';
import type { SpecPath } from '../../spec/locate.ts';
import type { Finding, RuleContext } from '../../spec/rules/rule.ts';
import {
  BACKUP_LINK_GBPS,
  backupModel,
  DAILY_CHANGE,
  estimateNeedGb,
  PBS_SCHEDULES,
  type PbsServer,
  transferHours,
  vmDiskGb,
} from './model.ts';

/** The machine a host runs on: its Proxmox VE node for a VM, itself otherwise. */
const machineOf = (h: Host) => h.vm?.node ?? h.name;

/** Minutes after midnight of each time of day a calendar event fires, when it is a plain daily time. */
export function timesOfDay(event: string): number[] | undefined {
  const e = event.trim();
  if (e === 'daily' || e === 'weekly' || e === 'monthly') return [0];
  const last = e.split(/\s+/).at(-1) ?? '';
  const m = /^([\d,]+):(\d{2})(?::\d{2})?$/.exec(last);
  if (!m) return undefined;
  return m[1]!.split(',').map((h) => Number(h) * 60 + Number(m[2]));
}

/** Whether [a, a+len) and [b, b+len2) overlap on a 24-hour clock (minutes). */
function overlaps(a: number, lenA: number, b: number, lenB: number): boolean {
  const day = 24 * 60;
  for (const shift of [-day, 0, day]) if (a < b + shift + lenB && b + shift < a + lenA) return true;
  return false;
}

const hhmm = (min: number) =>
  `${String(Math.floor(min / 60) % 24).padStart(2, '0')}:${String(Math.round(min % 60)).padStart(2, '0')}`;

function nodeIndex(ctx: RuleContext, name: string): number {
  return (ctx.spec.nodes ?? []).findIndex((n) => n?.name === name);
}

function retentionRule(site: Site): Finding[] {
  const r = site.backup.retention;
  if (r.daily + r.weekly + r.monthly + r.yearly > 0) return [];
  return [
    {
      code: 'backup/retention-none',
      path: ['backup', 'retention'],
      message:
        'backup.retention keeps nothing (daily, weekly, monthly and yearly are all 0): every prune would delete every backup',
      hint: 'keep at least daily: 7, e.g. retention: { daily: 7, weekly: 4, monthly: 6 }',
    },
  ];
}

function mirrorRule(site: Site, primary: PbsServer, mirror: PbsServer | undefined): Finding[] {
  if (!mirror || machineOf(primary.host) !== machineOf(mirror.host)) return [];
  return [
    {
      code: 'backup/mirror-same-machine',
      path: ['backup', 'mirror'],
      message: `backup.mirror "${mirror.host.name}" runs on ${machineOf(mirror.host)}, the same machine as the primary ${primary.host.name}: one dead machine loses both copies`,
      hint: `put the mirror on another machine (a node with role backup), or remove backup.mirror (site ${site.name})`,
    },
  ];
}

function onClusterRule(primary: PbsServer, mirror: PbsServer | undefined): Finding[] {
  if (!primary.host.vm || (mirror && !mirror.host.vm)) return [];
  return [
    {
      code: 'backup/on-cluster',
      severity: 'warning',
      path: ['backup'],
      message: `the backup server ${primary.host.name} is a VM on ${primary.host.vm.node}: the backups live on the cluster they protect, and a lost pool loses them too`,
      hint: 'add a node with role backup (and set backup.primary), or a mirror on other hardware (backup.mirror)',
    },
  ];
}

function capacityRule(ctx: RuleContext, site: Site, servers: PbsServer[], totalGb: number): Finding[] {
  const out: Finding[] = [];
  const need = estimateNeedGb(site, totalGb);
  for (const s of servers) {
    if (!s.pool || s.capacityGb === undefined) continue;
    const i = nodeIndex(ctx, s.host.name);
    const drives = ctx.spec.nodes?.[i]?.drives ?? [];
    const j = drives.findIndex((d) => d?.role === 'backup');
    const path: SpecPath = i >= 0 && j >= 0 ? ['nodes', i, 'drives', j, 'sizeGb'] : ['nodes', i];
    if (s.capacityGb < totalGb)
      out.push({
        code: 'backup/capacity',
        path,
        message: `${s.host.name}'s backup mirror holds ${s.capacityGb} GB, less than one full copy of the VMs' disks (${totalGb} GB)`,
        hint: `the backup mirror needs about ${Math.ceil(need)} GB (a full copy plus the retention at ${DAILY_CHANGE * 100}% change a day): larger drives, or more mirrored pairs`,
      });
    else if (s.capacityGb < need)
      out.push({
        code: 'backup/capacity',
        severity: 'warning',
        path,
        message: `${s.host.name}'s backup mirror holds ${s.capacityGb} GB; the VMs' disks (${totalGb} GB) with the retention need about ${Math.ceil(need)} GB at ${DAILY_CHANGE * 100}% change a day`,
        hint: 'use larger backup drives, or keep fewer backups (backup.retention)',
      });
  }
  return out;
}

function windowRule(site: Site, totalGb: number): Finding[] {
  const starts = timesOfDay(site.backup.schedule);
  const verify = timesOfDay(PBS_SCHEDULES.verify)?.[0];
  if (!starts || verify === undefined) return [];
  const nightly = transferHours(totalGb * DAILY_CHANGE) * 60;
  // Verification reads the night's new snapshots at about the same rate.
  const verifyLen = Math.max(30, nightly);
  const start = starts.find((s) => overlaps(s, Math.max(nightly, 1), verify, verifyLen));
  if (start === undefined) return [];
  return [
    {
      code: 'backup/verify-overlap',
      severity: 'warning',
      path: ['backup', 'schedule'],
      message: `the backup at ${hhmm(start)} (about ${Math.ceil(nightly)} min for ${Math.round(totalGb * DAILY_CHANGE)} GB of changes at ${BACKUP_LINK_GBPS} Gbit/s) runs into the verify window ${hhmm(verify)}–${hhmm(verify + verifyLen)}: both compete for the backup drives and the verify may read a half-written night`,
      hint: `start the backup so it ends before ${hhmm(verify)} (e.g. "*-*-* 01:00"), after the prune at 05:00 is too late`,
    },
  ];
}

/** A recovery drive smaller than the system drive cannot hold its clone; a recovery drive off the primary is unused. */
function recoveryRule(ctx: RuleContext, site: Site): Finding[] {
  const out: Finding[] = [];
  for (const h of site.hosts) {
    const i = nodeIndex(ctx, h.name);
    const drives = ctx.spec.nodes?.[i]?.drives ?? [];
    const j = drives.findIndex((d) => d?.role === 'recovery');
    if (i < 0 || j < 0) continue;
    const recovery = h.drives.find((d) => d.role === 'recovery');
    const system = h.drives.find((d) => d.role === 'system');
    if (!h.roles.includes('pve_primary'))
      out.push({
        code: 'backup/recovery-drive',
        severity: 'warning',
        path: ['nodes', i, 'drives', j, 'role'],
        message: `${h.name} has a recovery drive, but only the primary Proxmox VE node is cloned with Clonezilla: it stays unused`,
        hint: 'move the drive to the primary node, or give it another role',
      });
    else if (
      recovery?.sizeGb !== undefined &&
      system?.sizeGb !== undefined &&
      recovery.sizeGb < system.sizeGb
    )
      out.push({
        code: 'backup/recovery-drive',
        path: ['nodes', i, 'drives', j, 'sizeGb'],
        message: `${h.name}'s recovery drive (${recovery.sizeGb} GB) is smaller than its system drive (${system.sizeGb} GB): the clone does not fit`,
        hint: `use a recovery drive of at least ${system.sizeGb} GB`,
      });
  }
  return out;
}

/** The backup layer's spec rules (SiteContribution.rules). */
export function backupRules(ctx: RuleContext, site: Site): Finding[] {
  const out = [...retentionRule(site), ...recoveryRule(ctx, site)];
  const model = backupModel(site);
  if (!model) return out;
  const total = vmDiskGb(model);
  const servers = model.mirror ? [model.primary, model.mirror] : [model.primary];
  return [
    ...out,
    ...mirrorRule(site, model.primary, model.mirror),
    ...onClusterRule(model.primary, model.mirror),
    ...capacityRule(ctx, site, servers, total),
    ...windowRule(site, total),
  ];
}
