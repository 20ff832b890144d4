// The backup layer's part of the Site: a PBS VM when no backup node exists, the PBS service and Site.backup.
import { type SiteContribution, service, tcp, vmRequest } from '../../site/contribution.ts';
import type { Flow } from '../../site/types.ts';
import { DEFAULTS } from '../../spec/defaults.ts';
import { isResticSource, RESTIC_USER } from './restic.ts';
import { backupRules } from './rules.ts';

export const backupSite: SiteContribution = {
  hosts({ spec, vlanFor, hypervisors }) {
    if (!hypervisors || (spec.nodes ?? []).some((n) => n.role === 'backup')) return [];
    return [
      vmRequest(
        50,
        'backup',
        vlanFor('management'),
        ['pbs'],
        ['backup'],
        'proxmox-backup',
        { cores: 2, memoryGb: 4, diskGb: 64 },
        'pbs',
      ),
    ];
  },

  services({ withRole, mgmt, monitor }) {
    const pbs = withRole('pbs');
    if (pbs.length === 0) return [];
    return [
      service(25, {
        name: 'proxmox-backup',
        kind: 'infra',
        layer: 'backup',
        description: 'Proxmox Backup Server: PVE hosts push backups, the mirror pulls a copy',
        hosts: pbs,
        ports: [tcp('https', 8007)],
        consumers: [mgmt, { kind: 'role', role: 'pve' }, { kind: 'role', role: 'pbs' }, monitor],
        health: { port: 'https', path: '/', scheme: 'https', expect: 200 },
        volumes: ['/etc/proxmox-backup'],
      }),
    ];
  },

  /** Each restic client reaches the primary backup server's SFTP (tcp/22, user restic, SFTP only). */
  flows({ spec, hosts, withRole }) {
    const primary = spec.backup?.primary ?? withRole('pbs')[0];
    if (!primary || !hosts.some((h) => h.name === primary)) return [];
    return hosts
      .filter((h) => h.name !== primary && isResticSource(h))
      .map(
        (h): Flow => ({
          id: `${h.name}->restic@${primary}`,
          service: 'restic',
          from: { kind: 'host', host: h.name },
          to: { kind: 'host', host: primary },
          protocol: 'tcp',
          ports: [22],
          why: `restic file backups of ${h.name} to its repository on ${primary} (SFTP as user ${RESTIC_USER})`,
        }),
      );
  },

  rules: backupRules,

  slice({ spec, withRole }) {
    const retention = spec.backup?.retention ?? {};
    const primary = spec.backup?.primary ?? withRole('pbs')[0];
    return {
      backup: {
        ...(primary ? { primary } : {}),
        ...(spec.backup?.mirror ? { mirror: spec.backup.mirror } : {}),
        retention: {
          daily: retention.daily ?? DEFAULTS.backup.retention.daily,
          weekly: retention.weekly ?? DEFAULTS.backup.retention.weekly,
          monthly: retention.monthly ?? DEFAULTS.backup.retention.monthly,
          yearly: retention.yearly ?? DEFAULTS.backup.retention.yearly,
        },
        schedule: spec.backup?.schedule ?? DEFAULTS.backup.schedule,
        clonezilla: spec.backup?.clonezilla ?? DEFAULTS.backup.clonezilla,
        cloneSchedule: spec.backup?.cloneSchedule ?? DEFAULTS.backup.cloneSchedule,
      },
    };
  },
};
