// The backup layer's Ansible from the Site: the playbook's plays, each host's variables matching the rendered files
// and the secrets apply decrypts; a site without a backup server gets a playbook that does nothing. The real tools
// (syntax check, ansible-lint, yamllint) judge the roles in src/layers/physical/physical.test.ts, over every example.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { renderSite } from '../../project/render-site.ts';
import { siteSecrets } from '../../secrets/catalog.ts';
import type { Site } from '../../site/types.ts';
import { secretEnvName } from '../step.ts';
import { BACKUP_PLAYBOOK, backupVarsPath } from './ansible.ts';
import { backupModel, pbsServers } from './model.ts';
import { pbsDir } from './pbs-config.ts';
import { resticSources } from './restic.ts';

type Vars = Record<string, unknown> & {
  pbs_server_config_files?: string[];
  pbs_server_tokens?: { id: string; env: string }[];
};

describe.each(['reference', 'single', 'compact'] as const)('%s', (name) => {
  const site = exampleSite(name);
  const files = renderSite(site);
  const model = backupModel(site)!;
  const vars = (host: string) => parse(files.get(backupVarsPath(host))!.content) as Vars;
  const secretEnvs = new Set(siteSecrets(site).map((s) => secretEnvName(s.name)));

  it('the playbook configures the backup servers, then the cluster, then the restic clients', () => {
    const plays = parse(files.get(BACKUP_PLAYBOOK)!.content) as { hosts: string; roles?: string[] }[];
    // The fourth play restores files: tagged never, it runs only in a rebuild (see steps.test.ts).
    expect(plays.map((p) => p.roles)).toEqual([['pbs_server'], ['pve_backup'], ['restic_client'], undefined]);
    expect(plays[3]!.hosts).toBe(plays[2]!.hosts);
    expect(plays[0]!.hosts.split(':')).toEqual(pbsServers(model).map((s) => s.host.name));
    expect(plays[2]!.hosts.split(':').sort()).toEqual(
      resticSources(site, model)
        .map((s) => s.host.name)
        .sort(),
    );
    expect(files.get('ansible/site.yml')!.content).toContain('playbooks/backup.yml');
    for (const role of ['pbs_server', 'pve_backup', 'restic_client'])
      expect(files.has(`ansible/roles/${role}/tasks/main.yml`), role).toBe(true);
  });

  it("each backup server installs exactly its rendered files, pins its primary's certificate, knows its drives", () => {
    for (const s of pbsServers(model)) {
      const v = vars(s.host.name);
      const rendered = files
        .entries()
        .map(([p]) => p)
        .filter((p) => p.startsWith(`${pbsDir(s.host.name)}/`))
        .map((p) => p.slice(pbsDir(s.host.name).length + 1))
        .sort();
      expect([...v.pbs_server_config_files!].sort()).toEqual(rendered);
      expect(v.pbs_server_datastore_path).toBe(s.path);
      expect(v.pbs_server_pool_vdevs).toEqual(s.pool?.vdevs ?? []);
      for (const d of s.host.drives.filter((x) => x.role === 'backup'))
        expect((v.pbs_server_pool_vdevs as string[]).join(' ')).toContain(d.id);
      // Every token user.cfg declares gets its secret's hash in token.shadow, from a secret apply decrypts.
      const tokens = [
        ...files.get(`${pbsDir(s.host.name)}/user.cfg`)!.content.matchAll(/^token: (\S+)$/gm),
      ].map((m) => m[1]);
      expect(v.pbs_server_tokens!.map((t) => t.id).sort()).toEqual(tokens.sort());
      for (const t of v.pbs_server_tokens!) expect(secretEnvs, t.env).toContain(t.env);
      expect(v.pbs_server_remotes).toEqual(s.role === 'mirror' ? [model.primary.host.name] : []);
      expect(v.pbs_server_namespaces).toEqual(s.role === 'primary' ? [model.namespace] : []);
      if (s.role === 'mirror')
        expect(files.get(`${pbsDir(s.host.name)}/remote.cfg.j2`)!.content).toContain(
          `pbs_server_fingerprints['${model.primary.host.name}']`,
        );
    }
  });

  it('the Proxmox VE node gets every storage with its token and the key from the secrets; restic clients the server', () => {
    const plays = parse(files.get(BACKUP_PLAYBOOK)!.content) as { hosts: string }[];
    const v = vars(plays[1]!.hosts) as {
      pve_backup_storages: { id: string; server: string; token_env: string; options: { server: string } }[];
      pve_backup_key_env: string;
    };
    expect(v.pve_backup_storages.map((s) => s.server)).toEqual(pbsServers(model).map((s) => s.host.name));
    for (const s of v.pve_backup_storages) {
      expect(secretEnvs).toContain(s.token_env);
      expect(s.options.server).toBe(site.hosts.find((h) => h.name === s.server)!.address);
    }
    expect(secretEnvs).toContain(v.pve_backup_key_env);
    for (const src of resticSources(site, model)) {
      const r = vars(src.host.name);
      expect(r.restic_client_server).toBe(model.primary.host.name);
      expect(src.repository).toBe(
        `sftp:${r.restic_client_server_user}@${r.restic_client_server_address}:${r.restic_client_server_dir}/${src.host.name}`,
      );
      expect(secretEnvs).toContain(r.restic_client_password_env);
    }
    expect(vars(model.primary.host.name).pbs_server_restic_dir).toBe(
      resticSources(site, model).length > 0 ? `${model.primary.path.replace(/\/[^/]+$/, '')}/restic` : '',
    );
  });
});

describe('a site without a backup server', () => {
  it('still has the playbook site.yml imports, with one play that does nothing, and no backup role', () => {
    const base = exampleSite('single');
    const site: Site = { ...base, backup: { ...base.backup, primary: undefined } } as Site;
    expect(backupModel(site)).toBeUndefined();
    const files = renderSite(site);
    const plays = parse(files.get(BACKUP_PLAYBOOK)!.content) as { hosts: string; tasks: unknown[] }[];
    expect(plays).toEqual([expect.objectContaining({ hosts: 'localhost', tasks: [] })]);
    expect(files.entries().some(([p]) => p.startsWith('ansible/roles/pbs_server/'))).toBe(false);
  });
});
