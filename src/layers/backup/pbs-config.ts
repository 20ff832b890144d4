// The files of /etc/proxmox-backup/ on each backup server: datastore, prune, verify and sync jobs, the remote,
// users, tokens, ACLs and notification targets. Key names and formats are those of PBS's own config types.
import type { Site } from '../../site/types.ts';
import { type Section, toSectionConfig } from '../../tree/serialize/index.ts';
import { secretEnvName } from '../step.ts';
import { type BackupModel, PBS_SCHEDULES, type PbsServer, REVERIFY_DAYS } from './model.ts';

/** Directory of a server's files in the repository: `backup/pbs/<host>/`. */
export const pbsDir = (host: string) => `backup/pbs/${host}`;

/**
 * Values only the apply knows (the primary's certificate fingerprint, token secrets) are Ansible expressions;
 * a file holding one is a template (`.cfg.j2`) and the role renders it with `ansible.builtin.template`.
 */
export const fingerprintVar = (host: string) => `{{ pbs_server_fingerprints['${host}'] }}`;
export const tokenSecretVar = (secret: string) =>
  `{{ lookup('ansible.builtin.file', lookup('ansible.builtin.env', '${secretEnvName(secret)}')) | b64encode }}`;

const bool = (b: boolean) => (b ? 'true' : 'false');

function keep(site: Site): Record<string, number | undefined> {
  const r = site.backup.retention;
  // PBS rejects keep-N of 0 (minimum 1): a period the spec keeps nothing of is left out.
  const n = (v: number) => (v > 0 ? v : undefined);
  return {
    'keep-daily': n(r.daily),
    'keep-weekly': n(r.weekly),
    'keep-monthly': n(r.monthly),
    'keep-yearly': n(r.yearly),
  };
}

function datastore(s: PbsServer, model: BackupModel): Section {
  return {
    type: 'datastore',
    id: s.datastore,
    props: {
      comment:
        s.role === 'primary'
          ? `VM backups of the Proxmox VE cluster (namespace ${model.namespace})`
          : `Copy of ${s.pullsFrom}, pulled daily`,
      'gc-schedule': PBS_SCHEDULES.gc,
      'notification-mode': 'notification-system',
      path: s.path,
    },
  };
}

function prune(site: Site, s: PbsServer): Section {
  return {
    type: 'prune',
    id: `${s.datastore}-retention`,
    props: {
      comment: 'Retention from beelab.yaml backup.retention',
      ...keep(site),
      schedule: PBS_SCHEDULES.prune,
      store: s.datastore,
    },
  };
}

function verification(s: PbsServer): Section {
  return {
    type: 'verification',
    id: `${s.datastore}-verify`,
    props: {
      comment: `New snapshots, and every snapshot again after ${REVERIFY_DAYS} days`,
      'ignore-verified': bool(true),
      'outdated-after': REVERIFY_DAYS,
      schedule: PBS_SCHEDULES.verify,
      store: s.datastore,
    },
  };
}

function userCfg(s: PbsServer): string {
  const sections: Section[] = [];
  for (const u of s.users) {
    if (!sections.some((x) => x.id === u.userid))
      sections.push({ type: 'user', id: u.userid, props: { comment: u.comment, enable: bool(true) } });
    sections.push({
      type: 'token',
      id: `${u.userid}!${u.token}`,
      props: { comment: u.comment, enable: bool(true) },
    });
  }
  return toSectionConfig(sections);
}

/**
 * acl.cfg: `acl:<propagate>:<path>:<users and tokens>:<roles>`. A token's privileges are those its user also
 * has, so the user and its token get the same role on the same path, and nothing else.
 */
function aclCfg(s: PbsServer): string {
  const lines = new Map<string, Set<string>>();
  for (const u of s.users) {
    const key = `${u.path}:${u.role}`;
    const set = lines.get(key) ?? new Set<string>();
    set.add(u.userid).add(`${u.userid}!${u.token}`);
    lines.set(key, set);
  }
  return [...lines]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, ids]) => {
      const [path, role] = key.split(':');
      return `acl:1:${path}:${[...ids].sort().join(',')}:${role}\n`;
    })
    .join('');
}

/** Notification targets for the spec's alert channels, and one matcher that sends warnings and errors there. */
export function notificationsCfg(site: Site): string {
  const targets: Section[] = [];
  site.observability.alerts.forEach((a, i) => {
    const name = `beelab-${a.type}${i > 0 ? `-${i + 1}` : ''}`;
    if (a.type === 'email') targets.push({ type: 'sendmail', id: name, props: { mailto: a.target } });
    if (a.type === 'ntfy' || a.type === 'webhook')
      targets.push({
        type: 'webhook',
        id: name,
        props: {
          // PBS keeps the body base64-encoded; it is a Handlebars template of the notification.
          body: Buffer.from('{{ title }}\n\n{{ message }}').toString('base64'),
          method: 'post',
          url: a.target,
        },
      });
  });
  if (targets.length === 0) return '';
  return toSectionConfig([
    ...targets,
    {
      type: 'matcher',
      id: 'beelab-alerts',
      props: {
        comment: 'Warnings and errors of every job go to the alert channels of beelab.yaml',
        'match-severity': 'warning,error',
        mode: 'all',
        target: targets.map((t) => t.id),
      },
    },
  ]);
}

/** The files of one backup server, by name under `backup/pbs/<host>/`. */
export function pbsFiles(site: Site, model: BackupModel, s: PbsServer): Record<string, string> {
  const files: Record<string, string> = {
    'datastore.cfg': toSectionConfig([datastore(s, model)]),
    'prune.cfg': toSectionConfig([prune(site, s)]),
    'verification.cfg': toSectionConfig([verification(s)]),
    'user.cfg': userCfg(s),
    'acl.cfg': aclCfg(s),
  };
  const notifications = notificationsCfg(site);
  if (notifications) files['notifications.cfg'] = notifications;
  if (s.role === 'mirror' && s.pullsFrom) {
    const from = site.hosts.find((h) => h.name === s.pullsFrom);
    const sync = model.primary.users.find((u) => u.userid === 'sync@pbs' && u.token === s.host.name);
    if (from && sync) {
      files['remote.cfg.j2'] = toSectionConfig([
        {
          type: 'remote',
          id: from.name,
          props: {
            'auth-id': `${sync.userid}!${sync.token}`,
            comment: `The primary backup server; ${s.host.name} pulls from it`,
            fingerprint: fingerprintVar(from.name),
            host: from.address,
            password: tokenSecretVar(sync.secret),
          },
        },
      ]);
      files['sync.cfg'] = toSectionConfig([
        {
          type: 'sync',
          id: `pull-${from.name}`,
          props: {
            comment: `Pull every snapshot of ${from.name}; pruned here by this server's own retention`,
            remote: from.name,
            'remote-store': model.primary.datastore,
            // A snapshot deleted on the primary (by mistake or by an intruder) stays on the mirror.
            'remove-vanished': bool(false),
            schedule: PBS_SCHEDULES.sync,
            store: s.datastore,
          },
        },
      ]);
    }
  }
  return files;
}
