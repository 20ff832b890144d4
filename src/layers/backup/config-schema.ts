// What Beelab may write in the backup layer's section-config files: per file, section type and key, the kind of
// value. A test holds this table against PBS's own config types and the PVE API schema (test/reference/).

export type ValueKind =
  | 'string'
  | 'bool'
  | 'int'
  /** A systemd calendar event (PBS and PVE schedules); `systemd-analyze calendar` judges it. */
  | 'calendar'
  | { enum: readonly string[] };

export type SectionKeys = Record<string, ValueKind>;

/** Section types and their keys, by file name (a `.j2` template is checked as the file it renders). */
export const SECTION_FILES: Record<string, { comments: boolean; types: Record<string, SectionKeys> }> = {
  'datastore.cfg': {
    comments: false,
    types: {
      datastore: {
        comment: 'string',
        'gc-schedule': 'calendar',
        'notification-mode': { enum: ['legacy-sendmail', 'notification-system'] },
        path: 'string',
      },
    },
  },
  'prune.cfg': {
    comments: false,
    types: {
      prune: {
        comment: 'string',
        'keep-daily': 'int',
        'keep-weekly': 'int',
        'keep-monthly': 'int',
        'keep-yearly': 'int',
        schedule: 'calendar',
        store: 'string',
      },
    },
  },
  'verification.cfg': {
    comments: false,
    types: {
      verification: {
        comment: 'string',
        'ignore-verified': 'bool',
        'outdated-after': 'int',
        schedule: 'calendar',
        store: 'string',
      },
    },
  },
  'sync.cfg': {
    comments: false,
    types: {
      sync: {
        comment: 'string',
        remote: 'string',
        'remote-store': 'string',
        'remove-vanished': 'bool',
        schedule: 'calendar',
        store: 'string',
      },
    },
  },
  'remote.cfg': {
    comments: false,
    types: {
      remote: {
        'auth-id': 'string',
        comment: 'string',
        fingerprint: 'string',
        host: 'string',
        password: 'string',
      },
    },
  },
  'user.cfg': {
    comments: false,
    types: { user: { comment: 'string', enable: 'bool' }, token: { comment: 'string', enable: 'bool' } },
  },
  'notifications.cfg': {
    comments: false,
    types: {
      sendmail: { mailto: 'string' },
      webhook: { body: 'string', method: { enum: ['post', 'put', 'get'] }, url: 'string' },
      matcher: {
        comment: 'string',
        'match-severity': 'string',
        mode: { enum: ['all', 'any'] },
        target: 'string',
      },
    },
  },
  // Proxmox VE (pve-common's parser skips `#` lines).
  'storage.cfg': {
    comments: true,
    types: {
      pbs: {
        content: 'string',
        datastore: 'string',
        namespace: 'string',
        'prune-backups': 'string',
        server: 'string',
        username: 'string',
      },
    },
  },
  'jobs.cfg': {
    comments: true,
    types: {
      vzdump: {
        all: 'bool',
        comment: 'string',
        enabled: 'bool',
        exclude: 'string',
        mode: { enum: ['snapshot', 'suspend', 'stop'] },
        'notification-mode': { enum: ['auto', 'legacy-sendmail', 'notification-system'] },
        'prune-backups': 'string',
        'repeat-missed': 'bool',
        schedule: 'calendar',
        storage: 'string',
      },
    },
  },
};

/** The roles acl.cfg may grant (PBS's Role enum, the ones Beelab uses; Audit for the monitoring's read-only token). */
export const ACL_ROLES = ['DatastoreBackup', 'DatastoreReader', 'Audit'] as const;

/** The schema of a repository file, by its name (`remote.cfg.j2` → `remote.cfg`). */
export function sectionFileOf(path: string): (typeof SECTION_FILES)[string] | undefined {
  const name = path.split('/').at(-1)?.replace(/\.j2$/, '') ?? '';
  return Object.hasOwn(SECTION_FILES, name) ? SECTION_FILES[name] : undefined;
}
