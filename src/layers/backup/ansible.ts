// The backup layer's Ansible: its roles (pbs_server, pve_backup, restic_client), its playbook and the variables
// from the Site, in host_vars/<host>/backup.yml (the physical layer owns host_vars/<host>.yml; Ansible reads both).
import type { Site } from '../../site/types.ts';
import { FileTree } from '../../tree/file-tree.ts';
import { GENERATED_NOTICE } from '../../tree/serialize/index.ts';
import { ansibleYaml, roleFiles } from '../ansible-roles.ts';
import { secretEnvName } from '../step.ts';
import { type BackupModel, PBS_ENCRYPTION_SECRET, pbsServers } from './model.ts';
import { pbsFiles } from './pbs-config.ts';
import { pveJob, pveStorages } from './pve-config.ts';
import { RESTIC_SECRET, RESTIC_USER, resticRepoDir, resticSources } from './restic.ts';

export const BACKUP_PLAYBOOK = 'ansible/playbooks/backup.yml';
const ROLES = new URL('./roles/', import.meta.url);

/** The tag of the play that restores the newest file backup: tagged `never` too, so only `--tags` runs it. */
export const RESTIC_RESTORE_TAG = 'restic-restore';

export const backupVarsPath = (host: string) => `ansible/host_vars/${host}/backup.yml`;
const header = (what: string) => `${GENERATED_NOTICE}\n\n${what}`;

/** The Proxmox VE node that configures the cluster-wide storage and job (once: /etc/pve is shared). */
export function pveBackupNode(site: Site) {
  return (
    site.hosts.find((h) => h.roles.includes('pve_primary')) ?? site.hosts.find((h) => h.roles.includes('pve'))
  );
}

export function backupPlaybook(site: Site, model: BackupModel): unknown[] {
  const servers = pbsServers(model).map((s) => s.host.name);
  const pve = pveBackupNode(site);
  const restic = resticSources(site, model).map((s) => s.host.name);
  return [
    {
      name: 'Proxmox Backup Servers',
      hosts: servers.join(':'),
      become: true,
      tags: ['backup', 'pbs'],
      roles: ['pbs_server'],
    },
    ...(pve
      ? [
          {
            name: 'Proxmox VE backup storages and job (once, for the cluster)',
            hosts: pve.name,
            become: true,
            tags: ['backup', 'pve-backup'],
            roles: ['pve_backup'],
          },
        ]
      : []),
    ...(restic.length > 0
      ? [
          {
            name: 'Restic file backups',
            hosts: restic.join(':'),
            become: true,
            tags: ['backup', 'restic'],
            roles: ['restic_client'],
          },
          {
            name: 'Restore the newest file backup (beelab rebuild, or --tags restic-restore --limit HOST)',
            hosts: restic.join(':'),
            become: true,
            tags: ['never', RESTIC_RESTORE_TAG],
            tasks: [
              {
                name: 'Restore with the rendered restore.sh',
                'ansible.builtin.include_role': { name: 'restic_client', tasks_from: 'restore' },
              },
            ],
          },
        ]
      : []),
  ];
}

/** Each host's variables for the backup roles. */
export function backupHostVars(site: Site, model: BackupModel): Map<string, Record<string, unknown>> {
  const vars = new Map<string, Record<string, unknown>>();
  const put = (host: string, v: Record<string, unknown>) => vars.set(host, { ...vars.get(host), ...v });
  const resticDir = resticRepoDir(model);
  const hasRestic = resticSources(site, model).length > 0;
  for (const s of pbsServers(model)) {
    put(s.host.name, {
      pbs_server_pool_name: s.pool?.name ?? 'backup',
      pbs_server_pool_vdevs: s.pool?.vdevs ?? [],
      pbs_server_datastore: s.datastore,
      pbs_server_datastore_path: s.path,
      pbs_server_namespaces: s.role === 'primary' ? [model.namespace] : [],
      pbs_server_config_files: Object.keys(pbsFiles(site, model, s)),
      pbs_server_tokens: s.users.map((u) => ({ id: `${u.userid}!${u.token}`, env: secretEnvName(u.secret) })),
      pbs_server_remotes: s.pullsFrom ? [s.pullsFrom] : [],
      pbs_server_restic_dir: s.role === 'primary' && hasRestic ? resticDir : '',
      pbs_server_restic_user: RESTIC_USER,
    });
  }
  const pve = pveBackupNode(site);
  if (pve && site.hosts.some((h) => h.roles.includes('pve')))
    put(pve.name, {
      pve_backup_storages: pveStorages(model).map((e) => {
        const server = pbsServers(model).find((s) => s.host.name === e.id);
        const user = server?.users.find((u) => u.userid === 'pve@pbs');
        return {
          id: e.id,
          server: server?.host.name,
          options: e.options,
          token_env: user ? secretEnvName(user.secret) : '',
        };
      }),
      pve_backup_job: pveJob(site, model),
      pve_backup_key_env: secretEnvName(PBS_ENCRYPTION_SECRET),
    });
  for (const src of resticSources(site, model))
    put(src.host.name, {
      restic_client_platform: src.platform,
      restic_client_server: model.primary.host.name,
      restic_client_server_address: model.primary.host.address,
      restic_client_server_dir: resticDir,
      restic_client_server_user: RESTIC_USER,
      restic_client_password_env: secretEnvName(RESTIC_SECRET),
    });
  return vars;
}

/** A site without a backup server still gets the playbook site.yml imports: one play that does nothing. */
const NOTHING = [
  { name: 'Backup: no backup server on this site', hosts: 'localhost', gather_facts: false, tasks: [] },
];

export function renderBackupAnsible(site: Site, model: BackupModel | undefined): FileTree {
  const tree = new FileTree();
  if (model)
    for (const [path, content] of roleFiles(ROLES)) tree.add(`ansible/roles/${path}`, content, 'backup');
  tree.add(
    BACKUP_PLAYBOOK,
    ansibleYaml(
      model ? backupPlaybook(site, model) : NOTHING,
      header(
        'Layer 6, backup: the Proxmox Backup Servers, then the Proxmox VE storages and backup job, then restic\n' +
          'on the machines no VM backup covers. Run: beelab apply (it decrypts the token, key and restic secrets).',
      ),
    ),
    'backup',
  );
  if (!model) return tree;
  for (const [host, v] of backupHostVars(site, model))
    tree.add(
      backupVarsPath(host),
      ansibleYaml(
        v,
        header(`${host}: its part of the backup station (roles pbs_server, pve_backup, restic_client).`),
      ),
      'backup',
    );
  return tree;
}
