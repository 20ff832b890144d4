// The pve_backup role run for real by ansible-playbook on this machine. Proxmox VE cannot run here, so its pvesh
// is stood in for by a small script that keeps storages and jobs in a JSON file and logs every call: what is tested
// is the role's own logic (the API calls it builds, the fingerprint it reads with the real openssl, the key file it
// wraps, what it sends again). Every parameter of every create is checked against the Proxmox VE API schema; a second
// run changes nothing; a backup server with a new certificate gets only its new fingerprint sent.

import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { problems } from '../../../test/support/pve-api.ts';
import { needTool } from '../../../test/support/tools.ts';
import { renderSite } from '../../project/render-site.ts';
import { backupVarsPath, pveBackupNode } from './ansible.ts';

const FAKE_PVESH = `#!/usr/bin/env python3
# Stand-in for Proxmox VE's pvesh in this test: storages and backup jobs in $FAKE_PVE_STATE, every call in $FAKE_PVE_LOG.
import json, os, sys
state_path, log_path = os.environ["FAKE_PVE_STATE"], os.environ["FAKE_PVE_LOG"]
state = json.load(open(state_path)) if os.path.exists(state_path) else {"storage": [], "jobs": []}
args = sys.argv[1:]
verb, path, rest = args[0], args[1], args[2:]
opts = {}
i = 0
while i < len(rest):
    if rest[i] == "--output-format":
        i += 2
        continue
    opts[rest[i][2:]] = rest[i + 1]
    i += 2
with open(log_path, "a") as log:
    log.write(json.dumps({"verb": verb, "path": path, "opts": opts}) + "\\n")
public = lambda o: {k: v for k, v in o.items() if k not in ("password", "encryption-key")}
if verb == "get" and path == "/storage":
    print(json.dumps(state["storage"]))
elif verb == "get" and path == "/cluster/backup":
    print(json.dumps(state["jobs"]))
elif verb == "create" and path == "/storage":
    state["storage"].append({**public(opts), "digest": "0"})
elif verb == "set" and path.startswith("/storage/"):
    [s for s in state["storage"] if s["storage"] == path.split("/")[2]][0].update(public(opts))
elif verb == "create" and path == "/cluster/backup":
    state["jobs"].append({**opts, "type": "vzdump"})
elif verb == "set" and path.startswith("/cluster/backup/"):
    [j for j in state["jobs"] if j["id"] == path.split("/")[3]][0].update(opts)
else:
    sys.exit("unexpected call: " + " ".join(args))
json.dump(state, open(state_path, "w"))
`;

const work = mkdtempSync(join(tmpdir(), 'beelab-pve-backup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Call {
  verb: string;
  path: string;
  opts: Record<string, string>;
}

describe.runIf(
  needTool('ansible-playbook', 'apt-get install ansible') && needTool('openssl', 'apt-get install openssl'),
)('the pve_backup role against a stand-in pvesh', () => {
  const site = exampleSite('single');
  const files = renderSite(site);
  const node = pveBackupNode(site)!.name;
  const vars = parse(files.get(backupVarsPath(node))!.content) as {
    pve_backup_storages: {
      id: string;
      server: string;
      token_env: string;
      options: Record<string, string | number>;
    }[];
    pve_backup_job: { id: string; options: Record<string, string | number> };
  };
  const server = vars.pve_backup_storages[0]!.server;
  for (const [path, f] of files.entries())
    if (path.startsWith('ansible/roles/pve_backup/')) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), f.content);
    }
  mkdirSync(join(work, 'bin'));
  writeFileSync(join(work, 'bin', 'pvesh'), FAKE_PVESH, { mode: 0o755 });
  writeFileSync(join(work, 'token'), 'a1b2c3d4e5f6\n');
  const key = Buffer.alloc(32, 7).toString('base64');
  writeFileSync(join(work, 'key'), `${key}\n`);
  const cert = join(work, 'proxy.pem');
  const newCert = () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${server}`,
        '-keyout',
        join(work, 'proxy.key'),
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return new X509Certificate(readFileSync(cert)).fingerprint256.toLowerCase();
  };
  writeFileSync(
    join(work, 'inventory.yml'),
    `all:\n  hosts:\n    ${node}: { ansible_connection: local, ansible_python_interpreter: python3 }\n    ${server}: { ansible_connection: local, ansible_python_interpreter: python3 }\n`,
  );
  writeFileSync(join(work, 'vars.yml'), files.get(backupVarsPath(node))!.content);
  writeFileSync(
    join(work, 'play.yml'),
    `- name: Proxmox VE backup storages and job\n  hosts: ${node}\n  gather_facts: false\n  vars_files: [vars.yml]\n  vars:\n    pve_backup_cert: ${cert}\n  roles: [pve_backup]\n`,
  );
  const run = () => {
    writeFileSync(join(work, 'calls.jsonl'), '');
    const r = spawnSync('ansible-playbook', ['-i', 'inventory.yml', 'play.yml'], {
      cwd: work,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${join(work, 'bin')}:${process.env.PATH}`,
        ANSIBLE_ROLES_PATH: join(work, 'ansible/roles'),
        ANSIBLE_NOCOLOR: '1',
        FAKE_PVE_STATE: join(work, 'state.json'),
        FAKE_PVE_LOG: join(work, 'calls.jsonl'),
        [vars.pve_backup_storages[0]!.token_env]: join(work, 'token'),
        BEELAB_SECRET_PBS_ENCRYPTION_KEY: join(work, 'key'),
      },
      timeout: 120_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const calls = readFileSync(join(work, 'calls.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Call);
    const changed = Number(/changed=(\d+)/.exec(r.stdout)?.[1]);
    return { calls: calls.filter((c) => c.verb !== 'get'), changed };
  };

  it('adds each storage with the pinned fingerprint, token and key, and the job, by the API schema', () => {
    const fp = newCert();
    const { calls, changed } = run();
    expect(calls.map((c) => `${c.verb} ${c.path}`)).toEqual(['create /storage', 'create /cluster/backup']);
    const storage = calls[0]!.opts;
    const { storage: id, ...params } = storage;
    expect(id).toBe(vars.pve_backup_storages[0]!.id);
    expect(problems(params, 'POST /storage')).toEqual([]);
    expect(storage.fingerprint).toBe(fp);
    expect(storage.password).toBe('a1b2c3d4e5f6');
    const keyFile = JSON.parse(storage['encryption-key']!) as Record<string, unknown>;
    expect(keyFile).toMatchObject({ kdf: null, data: key });
    expect(Buffer.from(String(keyFile.data), 'base64')).toHaveLength(32);
    const { id: jobId, ...job } = calls[1]!.opts;
    expect(jobId).toBe(vars.pve_backup_job.id);
    expect(problems(job, 'POST /cluster/backup')).toEqual([]);
    expect(job).toEqual(
      Object.fromEntries(Object.entries(vars.pve_backup_job.options).map(([k, v]) => [k, String(v)])),
    );
    expect(changed).toBe(2);
  }, 120_000);

  it('a second run sends nothing', () => {
    const { calls, changed } = run();
    expect(calls).toEqual([]);
    expect(changed).toBe(0);
  }, 120_000);

  it('a reinstalled backup server (new certificate): only the storage is updated, with the new fingerprint', () => {
    const fp = newCert();
    const { calls } = run();
    expect(calls.map((c) => `${c.verb} ${c.path}`)).toEqual([
      `set /storage/${vars.pve_backup_storages[0]!.id}`,
    ]);
    expect(calls[0]!.opts.fingerprint).toBe(fp);
    expect(calls[0]!.opts).not.toHaveProperty('password');
    expect(calls[0]!.opts).not.toHaveProperty('datastore');
  }, 120_000);
});
