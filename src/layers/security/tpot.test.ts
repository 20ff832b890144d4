// T-Pot on the honeypot: the play and its step, the SSH port the inventory and the base role agree on, what the
// site firewall lets reach the honeypot, and the tpot role run by the real ansible-playbook on the pinned
// release's Compose file and env.example (test/reference/tpot/): the .env has exactly env.example's keys, the web
// user is an apr1 hash of the secret kept while it matches, docker-compose accepts the pair.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { requireTool } from '../../../test/support/tools.ts';
import { renderSite } from '../../project/render-site.ts';
import { siteSecrets } from '../../secrets/catalog.ts';
import { compilePolicy } from '../network/policy/compile.ts';
import { PHYSICAL_STEPS } from '../physical/steps.ts';
import { secretEnvName } from '../step.ts';
import { SECURITY_PLAYBOOK } from './ansible.ts';
import { securitySteps, TPOT_STEP } from './steps.ts';
import { TPOT_HIVE_MIN, TPOT_RELEASE, TPOT_SSH_PORT, TPOT_WEB_PORT, TPOT_WEB_SECRET } from './tpot.ts';

const REFERENCE = join(import.meta.dirname, '../../../test/reference/tpot');
const site = exampleSite('reference');
const files = renderSite(site);
const tpot = site.hosts.find((h) => h.roles.includes('honeypot'))!;

/** Keys of a .env as docker compose reads it: `KEY=value`, and T-Pot's `KEY: value` lines too. */
function envKeys(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^([A-Za-z_][A-Za-z0-9_]*)\s*[=:]/.exec(l)?.[1])
    .filter((k): k is string => k !== undefined);
}

/** Host ports a Compose file publishes (what T-Pot's rules.sh lets past honeytrap's queue). */
function publishedPorts(compose: { services: Record<string, { ports?: string[] }> }): Set<number> {
  const out = new Set<number>();
  for (const s of Object.values(compose.services))
    for (const p of s.ports ?? []) out.add(Number(p.replace(/^127\.0\.0\.1:/, '').split(':')[0]));
  return out;
}

describe('reference build: T-Pot on the honeypot', () => {
  it('the play installs the pinned release on the honeypot host with the site time zone', () => {
    const plays = parse(files.get(SECURITY_PLAYBOOK)!.content) as {
      hosts: string;
      vars?: Record<string, unknown>;
    }[];
    const play = plays.find((p) => p.hosts === tpot.name)!;
    expect(play.vars).toMatchObject({
      tpot_version: TPOT_RELEASE.version,
      tpot_commit: TPOT_RELEASE.commit,
      tpot_timezone: site.timezone,
      tpot_ssh_port: TPOT_SSH_PORT,
      tpot_web_port: TPOT_WEB_PORT,
    });
    expect(files.has('ansible/roles/tpot/tasks/main.yml')).toBe(true);
    // The VM is as big as T-Pot's Standard / Hive edition asks.
    expect(tpot.vm).toMatchObject({ memoryGb: TPOT_HIVE_MIN.memoryGb, diskGb: TPOT_HIVE_MIN.diskGb });
  });

  it('the step runs the tpot tag after the base role, with the web password the site declares', () => {
    const step = securitySteps(site, files).find((s) => s.id === TPOT_STEP)!;
    expect(step.hosts).toEqual([tpot.name]);
    expect(step.run).toMatchObject({ kind: 'ansible-playbook', playbook: SECURITY_PLAYBOOK, tags: ['tpot'] });
    expect(step.after).toEqual([PHYSICAL_STEPS.base]);
    expect(step.secrets).toEqual([TPOT_WEB_SECRET]);
    expect(step.inputs).toContain('ansible/roles/tpot/templates/env.j2');
    expect(step.inputs).toContain(`ansible/host_vars/${tpot.name}.yml`);
    expect(step.notInLab).toMatch(/internet/);
    expect(step.verify).toEqual({
      kind: 'http',
      url: `https://${tpot.address}:${TPOT_WEB_PORT}/`,
      expectStatus: [401],
      insecure: true,
    });
    // The status probe and Prometheus's HTTP probe take T-Pot's login prompt for health too.
    expect(site.services.find((s) => s.name === 't-pot')!.health).toMatchObject({ expect: 401 });
    expect(siteSecrets(site).map((s) => s.name)).toContain(TPOT_WEB_SECRET);
    expect(files.get('ansible/roles/tpot/defaults/main.yml')!.content).toContain(
      secretEnvName(TPOT_WEB_SECRET),
    );
  });

  it('Ansible reaches the honeypot on T-Pot SSH port, which the base role moves sshd to', () => {
    const inv = parse(files.get('ansible/inventory.yml')!.content);
    expect(inv.all.hosts[tpot.name].ansible_port).toBe(String(TPOT_SSH_PORT));
    expect(parse(files.get(`ansible/host_vars/${tpot.name}.yml`)!.content).base_ssh_port).toBe(TPOT_SSH_PORT);
    // No other host moves its sshd.
    for (const h of site.hosts.filter((x) => x !== tpot)) {
      expect(inv.all.hosts[h.name]?.ansible_port, h.name).toBeUndefined();
      const vars = files.get(`ansible/host_vars/${h.name}.yml`);
      if (vars) expect(parse(vars.content)?.base_ssh_port, h.name).toBeUndefined();
    }
  });

  it('only management reaches T-Pot SSH and web UI; what else reaches the honeypot gets past honeytrap', () => {
    const policy = compilePolicy(site);
    const zone = tpot.vlan;
    const inbound = policy.rules.filter((r) => r.to === zone && r.action === 'pass');
    const mgmt = site.vlans.find((v) => v.purpose === 'management')!.name;
    expect(inbound.filter((r) => r.from === mgmt).map((r) => r.protocol)).toEqual(['any']);
    const others = inbound.filter((r) => r.from !== mgmt);
    // Prometheus scrapes the node exporter and probes by ping; nothing opens T-Pot's own ports.
    expect(others.length).toBeGreaterThan(0);
    for (const r of others) {
      expect(r.ports).not.toContain(TPOT_SSH_PORT);
      expect(r.ports).not.toContain(TPOT_WEB_PORT);
    }
    // A TCP port the site opens to the honeypot must be one T-Pot's rules.sh accepts (a published port of the
    // edition's Compose file), or honeytrap's NFQUEUE rule would take the connection.
    const published = publishedPorts(parse(readFileSync(join(REFERENCE, 'standard.yml'), 'utf8')));
    for (const r of others.filter((x) => x.protocol === 'tcp'))
      for (const p of r.ports) expect(published.has(p), `${r.id} opens ${p}`).toBe(true);
  });
});

describe('the tpot role on the release files (real ansible-playbook)', () => {
  const dir = join(tmpdir(), `beelab-tpot-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes .env with the keys of env.example and a Compose file docker-compose accepts, idempotently', async (ctx) => {
    requireTool(ctx, 'ansible-playbook', 'apt-get install ansible');
    requireTool(ctx, 'openssl', 'apt-get install openssl');
    requireTool(ctx, 'docker-compose', 'apt-get install docker-compose');
    for (const [path, f] of files.entries()) {
      if (!path.startsWith('ansible/roles/tpot/')) continue;
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), f.content);
    }
    const clone = join(dir, 'tpotce');
    mkdirSync(join(clone, 'compose'), { recursive: true });
    writeFileSync(join(clone, 'compose/standard.yml'), readFileSync(join(REFERENCE, 'standard.yml')));
    const password = 'Xq7-t0p_s3cret-for-the-test';
    writeFileSync(join(dir, 'pw'), `${password}\n`);
    const play = [
      {
        name: 'The tpot role writes the Compose file and the .env',
        hosts: 'localhost',
        connection: 'local',
        gather_facts: false,
        vars: {
          tpot_dir: clone,
          tpot_user: 'root',
          tpot_manage_service: false,
          tpot_timezone: 'Europe/Berlin',
        },
        tasks: ['compose-file.yml', 'env.yml'].map((t) => ({
          name: t,
          'ansible.builtin.include_role': { name: 'tpot', tasks_from: t },
        })),
      },
    ];
    writeFileSync(join(dir, 'play.yml'), JSON.stringify(play));
    const run = () =>
      execFileSync('ansible-playbook', ['-i', 'localhost,', 'play.yml'], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          ANSIBLE_ROLES_PATH: join(dir, 'ansible/roles'),
          ANSIBLE_LOCALHOST_WARNING: 'false',
          ANSIBLE_NOCOLOR: '1',
          [secretEnvName(TPOT_WEB_SECRET)]: join(dir, 'pw'),
        },
      });
    expect(run()).toMatch(/changed=2 .*failed=0/);

    const env = readFileSync(join(clone, '.env'), 'utf8');
    const example = readFileSync(join(REFERENCE, 'env.example'), 'utf8');
    expect(envKeys(env)).toEqual(envKeys(example));
    expect(env).toContain('TPOT_TYPE=HIVE\n');
    expect(env).toContain(`TPOT_VERSION=${TPOT_RELEASE.version}\n`);
    expect(env).toContain('TPOT_ATTACKMAP_TEXT_TIMEZONE=Europe/Berlin\n');
    // WEB_USER: base64 of an htpasswd line whose apr1 hash is the password's (what tpotinit writes for nginx).
    const line = Buffer.from(/^WEB_USER=(\S+)$/m.exec(env)![1]!, 'base64').toString();
    const m = /^beelab:(\$apr1\$([^$]+)\$\S+)$/.exec(line)!;
    expect(m, line).not.toBeNull();
    const again = execFileSync('openssl', ['passwd', '-apr1', '-salt', m[2]!, '-stdin'], {
      input: password,
      encoding: 'utf8',
    });
    expect(again.trim()).toBe(m[1]);

    // docker-compose.yml: the edition's services, miniprint in the profile nobody starts, its port still listed.
    const source = parse(readFileSync(join(REFERENCE, 'standard.yml'), 'utf8'));
    const written = parse(readFileSync(join(clone, 'docker-compose.yml'), 'utf8'));
    expect(Object.keys(written.services)).toEqual(Object.keys(source.services));
    expect(written.services.miniprint.profiles).toEqual(['beelab-off']);
    const { profiles: _, ...miniprint } = written.services.miniprint;
    expect(miniprint).toEqual(source.services.miniprint);
    for (const name of Object.keys(source.services).filter((n) => n !== 'miniprint'))
      expect(written.services[name], name).toEqual(source.services[name]);
    execFileSync('docker-compose', ['config', '-q'], { cwd: clone });

    // Again: the password still matches its hash, so nothing changes.
    expect(run()).toMatch(/changed=0 .*failed=0/);
    expect(readFileSync(join(clone, '.env'), 'utf8')).toBe(env);
  }, 120_000);
});
