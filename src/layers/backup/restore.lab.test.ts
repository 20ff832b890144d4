// The file restore drilled for real (root): the reference build's lab with sec1 (a physical Debian host, a restic
// client) booted as itself and a Debian stand-in for pbs1's SFTP target. The engine's backup/restic step runs the
// rendered restic_client role, the rendered unit backs up planted files to pbs1 over SFTP, they are destroyed and
// the rendered restore step brings them back with the same sha256 (`beelab lab drill restore sec1`).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, LAB_TOOLS, MACHINE_TOOLS } from '../../../test/support/tools.ts';
import { labApplyRepo } from '../../lab/apply.ts';
import type { LabContext } from '../../lab/context.ts';
import { labDown } from '../../lab/down.ts';
import { restoreDrill, restoreDrillMachines, restoreDrillPlan } from '../../lab/drill-restore.ts';
import { labAnsible, labAnsibleArgv } from '../../lab/machines/ansible.ts';
import { machineInit } from '../../lab/machines/boot.ts';
import { sharedRoot } from '../../lab/machines/root.ts';
import { newRunId } from '../../lab/names.ts';
import { labUp } from '../../lab/up.ts';
import { loadProject } from '../../project/load.ts';
import type { Site } from '../../site/types.ts';
import { secretEnvName } from '../step.ts';
import { BACKUP_PLAYBOOK } from './ansible.ts';
import { RESTIC_SECRET } from './restic.ts';
import { BACKUP_STEPS } from './steps.ts';

const reference = fileURLToPath(new URL('../../../examples/reference', import.meta.url));
const run = canRunLab('the restore drill in the lab', [...LAB_TOOLS, ...MACHINE_TOOLS]);
const CLIENT = 'sec1';

let site: Site;
let ctx: LabContext;
let id: string;
let plan: ReturnType<typeof restoreDrillPlan>;

beforeAll(async () => {
  if (!run) return;
  site = (await loadProject(reference)).site;
  plan = restoreDrillPlan(site, CLIENT);
  await sharedRoot({ log: (l) => process.stderr.write(`${l}\n`) });
  id = newRunId();
  try {
    ctx = await labUp(site, { id, mode: 'veth', siteDir: reference, ...restoreDrillMachines(plan) });
  } catch (err) {
    await labDown(id);
    throw err;
  }
}, 400_000);

afterAll(async () => {
  if (run && id) await labDown(id);
}, 60_000);

async function onMachine(host: string, cmd: string) {
  const m = ctx.plan.machines.find((x) => x.host === host)!;
  return execa('nsenter', ['-t', machineInit(ctx.dir, m)!, '-a', 'sh', '-c', cmd], { reject: false });
}

describe.skipIf(!run)('restore drill in the lab (root)', () => {
  it('backs up planted files to the backup server over SFTP, loses them, restores every one by sha256', {
    timeout: 300_000,
  }, async () => {
    expect(plan.server.name).toBe('pbs1');
    const d = await restoreDrill(ctx, plan, { log: (l) => process.stderr.write(`${l}\n`) });
    expect(d.notes).toEqual([]);
    expect(d.steps.map((s) => [s.id, s.result.status])).toEqual([
      [BACKUP_STEPS.restic, 'done'],
      [BACKUP_STEPS.restoreFiles(CLIENT), 'done'],
    ]);
    expect(d.backupOk).toBe(true);
    expect(d.snapshot?.paths).toEqual(['/etc', '/home', '/root', '/srv']);
    // Data in place (/home, /srv), configuration beside in the staging directory; every byte the same.
    expect(d.files.filter((f) => !f.ok)).toEqual([]);
    expect(d.files.map((f) => f.restoredAt)).toEqual(
      expect.arrayContaining([
        '/srv/beelab-drill/data.bin',
        '/home/beelab-drill/notes/a file with spaces.txt',
        '/var/lib/beelab/restore/etc/beelab-drill/data.bin',
      ]),
    );
    expect(d.excludedOk).toBe(true);
    expect(d.ok).toBe(true);
    process.stderr.write(
      `figures: drill restore ${CLIENT} ${d.totalS.toFixed(1)} s (backup ${d.backupS.toFixed(1)} s, restore ${d.restoreS.toFixed(1)} s)\n`,
    );
  });

  it('the repository sits on the server, owned by the SFTP-only user; the client key gets no shell', {
    timeout: 60_000,
  }, async () => {
    const srv = await onMachine(
      'pbs1',
      'stat -c "%U %a" /backup/restic/sec1 && test -f /backup/restic/sec1/config && cat /backup/restic/.ssh/authorized_keys',
    );
    expect(srv.exitCode, srv.stderr).toBe(0);
    expect(srv.stdout).toMatch(/^restic 700$/m);
    expect(srv.stdout).toContain('restrict,command="internal-sftp" ssh-ed25519');
    // The same key and address restic uses, asking for a command: internal-sftp answers, no shell runs.
    const shell = await onMachine(CLIENT, 'ssh -o BatchMode=yes 10.20.10.14 echo shell-ran');
    expect(shell.stdout).toContain('This service allows sftp connections only.');
    expect(shell.stdout).not.toContain('shell-ran');
    const timer = await onMachine(
      CLIENT,
      'systemctl is-enabled beelab-restic.timer; systemctl is-active beelab-restic.timer',
    );
    expect(timer.stdout.split('\n')).toEqual(['enabled', 'active']);
  });

  it('the restic_client role run again by hand changes nothing', { timeout: 180_000 }, async () => {
    const repo = labApplyRepo(ctx);
    const a = labAnsible(ctx, repo);
    const argv = labAnsibleArgv(
      a,
      [BACKUP_PLAYBOOK.replace(/^ansible\//, ''), '--tags', 'restic', '--limit', CLIENT],
      'ansible-playbook',
    );
    const r = await execa(argv[0]!, argv.slice(1), {
      cwd: join(repo, 'ansible'),
      env: {
        ...a.env,
        ANSIBLE_CONFIG: join(repo, 'ansible', 'ansible.cfg'),
        [secretEnvName(RESTIC_SECRET)]: join(ctx.dir, 'secrets', RESTIC_SECRET),
      },
      reject: false,
      all: true,
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(
      new RegExp(`^${CLIENT}\\s+: ok=\\d+\\s+changed=0\\s+unreachable=0\\s+failed=0`, 'm'),
    );
  });
});
