// The backup layer's config files against the real formats: every PBS key Beelab may write is a key of PBS's own
// config types (test/reference/pbs/config-keys.json), every PVE option a parameter of the PVE API, every rendered
// file parses back clean, and the checker finds what it should.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { problems } from '../../../test/support/pve-api.ts';
import { parseSectionConfig } from '../../tree/serialize/index.ts';
import { ACL_ROLES, SECTION_FILES, sectionFileOf } from './config-schema.ts';
import { backupModel } from './model.ts';
import { PVE_JOBS_PATH, PVE_STORAGE_PATH, pveJob, pveStorages } from './pve-config.ts';
import { renderBackup } from './render.ts';
import { sectionFileProblems } from './validators.ts';

interface RefKey {
  type: string;
  optional: boolean;
  enum?: string[];
}
const REF: {
  files: Record<string, Record<string, { id: string; keys: Record<string, RefKey> }>>;
  roles: string[];
} = JSON.parse(
  readFileSync(new URL('../../../test/reference/pbs/config-keys.json', import.meta.url), 'utf8'),
);

const PVE_FILES = ['storage.cfg', 'jobs.cfg'];
const EXAMPLES = ['reference', 'compact', 'single'] as const;

describe('the key table against Proxmox Backup Server’s config types', () => {
  const pbsFiles = Object.keys(SECTION_FILES).filter((f) => !PVE_FILES.includes(f));

  it.each(pbsFiles)('%s: every section type and key exists upstream, of a matching type', (file) => {
    const ref = REF.files[file];
    expect(ref, `${file} is not a PBS config file of the reference`).toBeDefined();
    for (const [type, keys] of Object.entries(SECTION_FILES[file]!.types)) {
      const refType = ref![type];
      expect(refType, `${file}: section type ${type}`).toBeDefined();
      for (const [key, kind] of Object.entries(keys)) {
        const r = refType!.keys[key];
        expect(r, `${file} ${type}.${key}`).toBeDefined();
        if (kind === 'bool') expect(r!.type, `${type}.${key}`).toMatch(/\bbool\b/);
        if (kind === 'int') expect(r!.type, `${type}.${key}`).toMatch(/\b[ui](8|16|32|64|size)\b/);
        if (typeof kind === 'object')
          for (const v of kind.enum) expect(r!.enum, `${type}.${key}`).toContain(v);
      }
    }
  });

  it('acl.cfg grants only roles PBS has', () => {
    for (const role of ACL_ROLES) expect(REF.roles).toContain(role);
  });

  it('the jobs.cfg and storage.cfg keys are parameters of the PVE API', () => {
    for (const key of Object.keys(SECTION_FILES['jobs.cfg']!.types.vzdump!))
      expect(problems({ [key]: 'x' }, 'POST /cluster/backup').join()).not.toMatch(/is not a parameter/);
    for (const key of Object.keys(SECTION_FILES['storage.cfg']!.types.pbs!))
      expect(problems({ [key]: 'x' }, 'POST /storage').join()).not.toMatch(/is not a parameter/);
  });
});

describe.each(EXAMPLES)('rendered backup files: %s', (name) => {
  const site = exampleSite(name);
  const tree = renderBackup(site);
  const model = backupModel(site)!;

  it('has a backup server and renders its files', () => {
    expect(model).toBeDefined();
    expect(tree.has(`backup/pbs/${model.primary.host.name}/datastore.cfg`)).toBe(true);
    expect(tree.has(PVE_JOBS_PATH)).toBe(true);
  });

  it('every file parses back with known sections, keys and values only', () => {
    for (const [path, file] of tree.entries())
      expect(sectionFileProblems(path, file.content), path).toEqual([]);
  });

  it('every PBS key it wrote is in the reference (not only in Beelab’s table)', () => {
    let keys = 0;
    for (const [path, file] of tree.entries()) {
      const base = path.split('/').at(-1)!.replace(/\.j2$/, '');
      if (!path.startsWith('backup/pbs/') || base === 'acl.cfg') continue;
      for (const s of parseSectionConfig(file.content).sections) {
        const ref = REF.files[base]?.[s.type];
        expect(ref, `${path}: ${s.type}`).toBeDefined();
        for (const p of s.props) {
          keys++;
          expect(ref!.keys[p.key], `${path}: ${s.type}.${p.key}`).toBeDefined();
        }
        // Required keys (not Option/Vec upstream) are present.
        for (const [k, r] of Object.entries(ref!.keys))
          if (!r.optional && !['disable', 'password'].includes(k))
            expect(
              s.props.map((p) => p.key),
              `${path}: ${s.type} needs ${k}`,
            ).toContain(k);
      }
    }
    expect(keys).toBeGreaterThan(20);
  });

  it('the PVE storage entries and the job are valid API calls', () => {
    for (const e of pveStorages(model))
      expect(problems({ storage: e.id, ...e.options }, 'POST /storage'), e.id).toEqual([]);
    const job = pveJob(site, model);
    expect(problems({ id: job.id, ...job.options }, 'POST /cluster/backup')).toEqual([]);
    expect(tree.get(PVE_STORAGE_PATH)!.content).toContain(`pbs: ${model.primary.host.name}\n`);
  });

  it('no backup server backs itself up, and every other VM is in the job', () => {
    const job = pveJob(site, model);
    const excluded = String(job.options.exclude ?? '')
      .split(',')
      .filter(Boolean)
      .map(Number);
    const servers = [model.primary, model.mirror].flatMap((s) => (s?.host.vm ? [s.host.vm.vmid] : []));
    expect(excluded.sort()).toEqual(servers.sort());
    expect(job.options.all).toBe(1);
  });

  it('least privilege: the cluster writes only its namespace, the mirror only reads', () => {
    const acl = tree.get(`backup/pbs/${model.primary.host.name}/acl.cfg`)!.content;
    expect(acl).toContain(`acl:1:/datastore/main/${model.namespace}:pve@pbs,pve@pbs!`);
    expect(acl).not.toMatch(/Admin|PowerUser/);
    if (model.mirror) {
      expect(acl).toMatch(/^acl:1:\/datastore\/main:sync@pbs,sync@pbs!\S+:DatastoreReader$/m);
      const mirrorAcl = tree.get(`backup/pbs/${model.mirror.host.name}/acl.cfg`)!.content;
      expect(mirrorAcl).not.toContain('DatastoreBackup');
    }
  });
});

describe('the checker', () => {
  it.each([
    [
      'backup/pbs/x/prune.cfg',
      'prune: a\n\tkeep-daily seven\n\tstore main\n',
      'keep-daily "seven" is not a whole number',
    ],
    ['backup/pbs/x/prune.cfg', 'prune: a\n\tkeep-dialy 7\n', 'keep-dialy is not a key of this section'],
    ['backup/pbs/x/sync.cfg', 'sync: a\n\tremove-vanished maybe\n', 'is not a boolean'],
    ['backup/pbs/x/datastore.cfg', 'datastore: a\n\tnotification-mode email\n', 'is not one of'],
    ['backup/pbs/x/datastore.cfg', 'store: a\n\tpath /x\n', 'unknown section type "store"'],
    ['backup/pbs/x/datastore.cfg', '# comment\ndatastore: a\n', 'expected a section header'],
    ['backup/pbs/x/acl.cfg', 'acl:1:/datastore/main:u@pbs:Admin\n', 'role Admin is not one Beelab grants'],
    ['backup/pbs/x/acl.cfg', 'acl:/datastore:u@pbs\n', 'not an acl.cfg line'],
    ['backup/pve/jobs.cfg', '# ok\nvzdump: j\n\tmode hibernate\n', 'is not one of snapshot, suspend, stop'],
  ])('%s: %j → %s', (file, text, message) => {
    const found = sectionFileProblems(file, text);
    expect(found.map((d) => d.message).join('\n')).toContain(message);
    expect(found.every((d) => d.location?.file === file && (d.location.line ?? 0) > 0)).toBe(true);
  });

  it('knows a template by the file it renders', () => {
    expect(sectionFileOf('backup/pbs/pbs2/remote.cfg.j2')).toBe(SECTION_FILES['remote.cfg']);
  });
});
