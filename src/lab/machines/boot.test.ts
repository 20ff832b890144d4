// Lab machines for real (root): two Debian hosts of the compact build boot, take SSH from the management VLAN
// through the generated firewall, answer Ansible with the generated inventory, never write the shared root,
// and leave nothing behind; bad input gets a clear message and a clean lab.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, LAB_TOOLS, MACHINE_TOOLS } from '../../../test/support/tools.ts';
import { UserError } from '../../errors.ts';
import { loadProject } from '../../project/load.ts';
import type { Site } from '../../site/types.ts';
import type { LabContext } from '../context.ts';
import { labDown } from '../down.ts';
import { newRunId } from '../names.ts';
import { runDir } from '../state.ts';
import { labNamespaces } from '../system.ts';
import { labTest } from '../test.ts';
import { labUp } from '../up.ts';
import { labAnsible, labAnsibleArgv } from './ansible.ts';
import { sharedRoot, treeHash } from './root.ts';
import { mountsUnder, nspawnPids } from './stop.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const compact = `${repo}examples/compact`;
// Debian VMs of the compact build (the k3s VMs run Ubuntu, which the lab keeps as network stubs)
const MACHINES = ['apps', 'monitor'];

function canRun(): boolean {
  return canRunLab('lab machines', [
    ...LAB_TOOLS,
    ...MACHINE_TOOLS,
    ['busybox', 'apt-get install busybox'],
    ['ssh-keyscan', 'apt-get install openssh-client'],
    ['ansible', 'apt-get install ansible'],
  ]);
}

/** Asserts that nothing of run `id` is left: namespaces, containers, mounts, nspawn's runtime files, files. */
async function assertGone(id: string, machineNames: string[]): Promise<void> {
  expect(await labNamespaces(id)).toEqual([]);
  expect(mountsUnder(runDir(id))).toEqual([]);
  expect(nspawnPids(runDir(id))).toEqual([]);
  expect(existsSync(runDir(id))).toBe(false);
  for (const n of machineNames) expect(existsSync(`/run/systemd/nspawn/propagate/${n}`), n).toBe(false);
  const ps = await execa('ps', ['-eo', 'args'], { reject: false });
  expect(ps.stdout).not.toContain(`bllab-${id}-`);
}

const run = canRun();
let site: Site;
let ctx: LabContext;
let id: string;
let root: string;
let rootHashBefore: string;

// The first run on a machine builds the root with debootstrap (about 80 s); later runs take it from the cache.
beforeAll(async () => {
  if (!run) return;
  site = (await loadProject(compact)).site;
  const r = await sharedRoot({ log: (l) => process.stderr.write(`${l}\n`) });
  root = r.dir;
  rootHashBefore = await treeHash(root);
  id = newRunId();
  try {
    ctx = await labUp(site, { id, mode: 'veth', siteDir: compact, machines: MACHINES });
  } catch (err) {
    await labDown(id);
    throw err;
  }
}, 300_000);

afterAll(async () => {
  if (run && id) await labDown(id);
}, 60_000);

const SLOW = { timeout: 120_000 };

async function ansible(args: string[]) {
  const a = labAnsible(ctx, compact);
  const argv = labAnsibleArgv(a, args);
  return execa(argv[0]!, argv.slice(1), { cwd: a.repo, env: a.env, reject: false });
}

describe.skipIf(!run)('lab machines (root)', () => {
  it(
    'each machine runs systemd in its own namespace at its real address; the VLAN namespace no longer has it',
    SLOW,
    async () => {
      expect(ctx.plan.machines.map((m) => m.host)).toEqual(MACHINES);
      for (const m of ctx.plan.machines) {
        const addrs = await execa('ip', ['-n', m.netns, '-o', '-4', 'addr', 'show', 'dev', 'eth0']);
        expect(addrs.stdout).toContain(`inet ${m.address}/`);
        const vlan = ctx.plan.vlans.find((v) => v.zone === m.zone)!;
        const shared = await execa('ip', ['-n', vlan.netns, '-o', '-4', 'addr', 'show']);
        expect(shared.stdout).not.toContain(` ${m.address}/`);
        const routes = await execa('ip', ['-n', m.netns, '-4', 'route', 'show']);
        expect(routes.stdout).toContain(`default via ${m.gateway} dev eth0`);
        expect(routes.stdout.split('\n').filter((l) => l.startsWith('default'))).toHaveLength(1);
      }
    },
  );

  it('Ansible from the management VLAN: ping and setup with the generated inventory', SLOW, async () => {
    const ping = await ansible([MACHINES.join(','), '-m', 'ping']);
    expect(ping.exitCode, ping.stdout + ping.stderr).toBe(0);
    for (const h of MACHINES) expect(ping.stdout).toMatch(new RegExp(`${h} \\| SUCCESS`));
    const setup = await ansible(['apps', '-m', 'setup', '-a', 'gather_subset=!all,network']);
    expect(setup.exitCode, setup.stdout + setup.stderr).toBe(0);
    expect(setup.stdout).toContain('"ansible_hostname": "apps"');
    expect(setup.stdout).toMatch(
      /"ansible_default_ipv4": \{[^}]*"address": "10\.20\.20\.13"[^}]*"gateway": "10\.20\.20\.1"/s,
    );
    // The user and address are the generated inventory's own; the override only sets key and known hosts.
    const a = labAnsible(ctx, compact);
    const { readFileSync } = await import('node:fs');
    const override = readFileSync(a.override, 'utf8');
    expect(override).not.toMatch(/ansible_(connection|host|user|port)\b/);
    expect(override).toContain('StrictHostKeyChecking=yes');
  });

  it(
    'SSH reaches a machine through the generated firewall only where the policy allows it (lab test)',
    SLOW,
    async () => {
      const report = await labTest(ctx);
      expect(report.matrix.filter((o) => !o.ok).map((o) => o.problem)).toEqual([]);
      const ssh = report.matrix.filter((o) => o.probe.dst === '10.20.20.14' && o.probe.port === 22);
      // Management connects to the real sshd (its banner); another zone is refused by the ruleset.
      expect(ssh.some((o) => o.probe.from === 'mgmt' && o.result.connected)).toBe(true);
      expect(ssh.some((o) => o.probe.from !== 'mgmt' && !o.result.connected)).toBe(true);
      expect(report.ok).toBe(true);
    },
  );

  it('machines write their own upper layer; the shared root is unchanged', SLOW, async () => {
    const w = await ansible([
      MACHINES.join(','),
      '-b',
      '-m',
      'shell',
      '-a',
      'echo lab > /etc/beelab-lab-test && rm -f /usr/bin/ping && touch /var/lib/beelab-was-here',
    ]);
    expect(w.exitCode, w.stdout + w.stderr).toBe(0);
    expect(existsSync(join(runDir(id), 'machines', 'm1', 'upper', 'etc', 'beelab-lab-test'))).toBe(true);
    expect(existsSync(join(root, 'etc', 'beelab-lab-test'))).toBe(false);
    expect(existsSync(join(root, 'usr', 'bin', 'ping'))).toBe(true);
    expect(await treeHash(root)).toBe(rootHashBefore);
    // The overlay's lower layer is a read-only view: even root cannot write the shared root through it.
    const touch = await execa('touch', [join(runDir(id), 'machines', 'lower', 'x')], { reject: false });
    expect(touch.exitCode).not.toBe(0);
    expect(touch.stderr).toMatch(/Read-only file system/);
  });

  it(
    'a machine that does not answer SSH within its timeout: the message shows its boot log, the lab is removed',
    SLOW,
    async () => {
      const bad = newRunId();
      try {
        const err = await labUp(site, {
          id: bad,
          mode: 'veth',
          siteDir: compact,
          machines: ['monitor'],
          machineTimeoutMs: 1,
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(UserError);
        expect((err as UserError).message).toMatch(
          /machine monitor did not answer SSH at 10\.20\.20\.14:22 within/,
        );
        expect((err as UserError).details.join('\n')).toMatch(/(journal|console):/);
      } finally {
        await labDown(bad);
      }
      await assertGone(bad, [`bllab-${bad}-m1`]);
    },
  );

  it(
    'an admin key that is not a public key: a clear error before anything boots, nothing left',
    SLOW,
    async () => {
      const bad = newRunId();
      const broken = {
        ...site,
        admin: { ...site.admin, sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAbroken me'] },
      };
      try {
        await expect(
          labUp(broken, { id: bad, mode: 'veth', siteDir: compact, machines: ['apps'] }),
        ).rejects.toThrow(/admin SSH key that is not a valid public key/);
      } finally {
        await labDown(bad);
      }
      await assertGone(bad, []);
    },
  );

  it('debootstrap with no reachable mirror: the message names the apt source it tried', SLOW, async () => {
    const cache = mkdtempSync(join(tmpdir(), 'beelab-root-'));
    const saved = process.env.BEELAB_LAB_CACHE;
    process.env.BEELAB_LAB_CACHE = cache;
    try {
      const mirror = {
        uri: 'http://127.0.0.1:9/debian',
        suites: ['bookworm'],
        components: ['main'],
        file: 'test',
      };
      const err = await sharedRoot({ mirror }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toContain(
        'debootstrap of Debian bookworm from http://127.0.0.1:9/debian failed',
      );
      expect((err as UserError).details[0]).toContain('apt source: http://127.0.0.1:9/debian bookworm main');
      // Nothing half-built is left to look like a root.
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(cache)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.BEELAB_LAB_CACHE;
      else process.env.BEELAB_LAB_CACHE = saved;
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it(
    'SIGTERM while `lab up --machines` boots: exit 143, every machine, mount and namespace removed',
    SLOW,
    async () => {
      const child = spawn(
        process.execPath,
        [`${repo}bin/beelab.mjs`, 'lab', 'up', `${repo}examples/single`, '--machines', 'apps,monitor'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let runId = '';
      let sent = false;
      const code = await new Promise<number | null>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          runId ||= /lab ([0-9a-f]{6}):/.exec(out)?.[1] ?? '';
          // The root is ready and the machines are being mounted and started: stop now.
          if (!sent && /Debian root/.test(out)) {
            sent = true;
            child.kill('SIGTERM');
          }
        });
        child.on('exit', (c) => resolve(c));
      });
      expect(runId, out).toMatch(/^[0-9a-f]{6}$/);
      expect(out).not.toMatch(/up in [0-9.]+ s/);
      expect(code, out).toBe(143);
      await assertGone(runId, [`bllab-${runId}-m1`, `bllab-${runId}-m2`]);
    },
  );

  it(
    'lab down: machines, overlays, the read-only root view, namespaces and files are gone',
    SLOW,
    async () => {
      const names = ctx.plan.machines.map((m) => m.machine);
      expect(nspawnPids(runDir(id))).toHaveLength(2);
      expect(mountsUnder(runDir(id))).toHaveLength(3);
      await labDown(id);
      await assertGone(id, names);
      expect(await treeHash(root)).toBe(rootHashBefore);
    },
  );
});
