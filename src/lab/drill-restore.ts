// `beelab lab drill restore HOST`: a file restore, drilled. In a lab of its own, a Debian machine stands in for the
// primary backup server (its SFTP target, made by the pbs_server role's restic tasks); HOST, a restic client, gets
// the rendered restic_client role through the engine's backup/restic step, backs up planted files with the rendered
// unit, loses them, and the rendered restore step (backup/restore-files/HOST) brings them back. Every file's
// sha256 is compared; a file the rendered excludes leave out must not come back.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.ts';
import { backupModel } from '../layers/backup/model.ts';
import { RESTIC_ETC, type ResticSource, resticSources } from '../layers/backup/restic.ts';
import { BACKUP_STEPS } from '../layers/backup/steps.ts';
import type { Host, Site } from '../site/types.ts';
import { type LabApplyResult, labApply, labApplyRepo } from './apply.ts';
import type { LabContext } from './context.ts';
import { labAnsible, labAnsibleArgv } from './machines/ansible.ts';
import { machineInit } from './machines/boot.ts';
import { notEmulable } from './machines/select.ts';

/** What the drill needs of the Site: the restic client, its repository's server, and what to plant. */
export interface RestoreDrillPlan {
  source: ResticSource;
  /** The primary backup server, which a Debian machine stands in for (its SFTP target only). */
  server: Host;
  /** Files planted before the backup: where they live, and where the restore must put them back. */
  files: { path: string; restoredAt: string; bytes: number }[];
  /** A file the rendered excludes leave out (a model weight): backed up never, so restored never. */
  excluded: string;
}

/** The directory the drill plants its files in, under each path it covers. */
const DRILL_DIR = 'beelab-drill';

/** The drill for HOST, or a UserError naming what is missing (no backup server, not a Linux restic client...). */
export function restoreDrillPlan(site: Site, host: string): RestoreDrillPlan {
  const model = backupModel(site);
  if (!model) {
    throw new UserError(`${site.name} has no backup server: there is no file backup to drill`, [
      '  hint: set backup.primary in beelab.yaml to the host that keeps the backups',
    ]);
  }
  const sources = resticSources(site, model);
  const linux = sources.filter((s) => s.platform === 'linux' && !notEmulable(site, s.host));
  const names = linux.map((s) => s.host.name).join(', ') || 'none in this Site';
  const source = sources.find((s) => s.host.name === host);
  if (!source) {
    throw new UserError(`${host} has no file backup (restic) in ${site.name}`, [
      '  restic keeps the files of physical Debian hosts, Pis and Macs (VMs are in the Proxmox VE backup)',
      `  hosts the drill can run on: ${names}`,
    ]);
  }
  const why = notEmulable(site, source.host);
  if (why || source.platform !== 'linux') {
    throw new UserError(
      `${host} cannot run as a lab machine: ${why ?? 'macOS does not run in a container'}`,
      [`  hosts the drill can run on: ${names}`],
    );
  }
  const files: RestoreDrillPlan['files'] = [];
  const inPlace = new Set(source.restoreInPlace);
  // A data path goes back in place; one configuration path (/etc) goes to the staging directory.
  const covered = [...source.restoreInPlace, ...source.paths.filter((p) => !inPlace.has(p)).slice(0, 1)];
  for (const p of covered) {
    for (const [name, bytes] of [
      ['data.bin', 256 * 1024],
      ['notes/readme.txt', 2048],
      ['notes/a file with spaces.txt', 512],
    ] as const) {
      const path = `${p}/${DRILL_DIR}/${name}`;
      files.push({ path, restoredAt: inPlace.has(p) ? path : `${source.restoreStage}${path}`, bytes });
    }
  }
  const excluded = `${covered[0]}/${DRILL_DIR}/model.gguf`;
  return { source, server: model.primary.host, files, excluded };
}

/** What `lab up` boots for the drill: the client as itself, and a Debian stand-in for the backup server. */
export function restoreDrillMachines(plan: RestoreDrillPlan): {
  machines: string[];
  standIns: { host: string; for: string }[];
} {
  return {
    machines: [plan.source.host.name],
    standIns: [
      {
        host: plan.server.name,
        for: `${plan.server.name}'s SFTP target of the restic repositories (Proxmox Backup Server itself is not emulated)`,
      },
    ],
  };
}

export interface RestoreDrillResult {
  host: string;
  server: string;
  /** The steps that ran through the engine, each with its outcome. */
  steps: { id: string; result: LabApplyResult }[];
  /** Seconds of the rendered backup unit (backup, forget and prune, check) on the client. */
  backupS: number;
  backupOk: boolean;
  /** The snapshot the restore took, as restic lists it. */
  snapshot?: { id: string; paths: string[] };
  /** Seconds of the restore step alone. */
  restoreS: number;
  files: { path: string; restoredAt: string; ok: boolean; problem?: string }[];
  /** Whether the excluded file stayed out of the backup (not restored anywhere). */
  excludedOk: boolean;
  excluded: string;
  totalS: number;
  ok: boolean;
  /** Where to look when it failed: the engine's logs, the backup unit's journal. */
  notes: string[];
}

async function onMachine(ctx: LabContext, host: string, cmd: string, input?: Buffer | string) {
  const m = ctx.plan.machines.find((x) => x.host === host);
  const init = m && machineInit(ctx.dir, m);
  if (!init) throw new Error(`lab: machine ${host} is not running`);
  return execa('nsenter', ['-t', init, '-a', 'sh', '-c', cmd], {
    reject: false,
    ...(input !== undefined ? { input } : {}),
  });
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The pbs_server role's restic tasks alone, on the stand-in: the SFTP user and the repositories' directory. */
function targetPlay(server: string): string {
  return `---
# beelab lab drill restore: the backup server's stand-in gets only what the restic clients need of it.
- name: The restic clients' SFTP target on ${server}'s stand-in
  hosts: ${server}
  become: true
  tasks:
    - name: The restic user and the repositories' directory, as the pbs_server role makes them
      ansible.builtin.include_role:
        name: pbs_server
        tasks_from: restic
`;
}

async function prepareTarget(ctx: LabContext, server: string, log: (l: string) => void): Promise<void> {
  const repo = labApplyRepo(ctx);
  const play = join(repo, 'ansible', 'playbooks', 'lab-drill-restic-target.yml');
  mkdirSync(dirname(play), { recursive: true });
  writeFileSync(play, targetPlay(server));
  const a = labAnsible(ctx, repo);
  const argv = labAnsibleArgv(a, ['playbooks/lab-drill-restic-target.yml'], 'ansible-playbook');
  log(`drill: ${server}'s stand-in: the pbs_server role's restic tasks (SFTP user, repositories' directory)`);
  const r = await execa(argv[0]!, argv.slice(1), {
    cwd: join(repo, 'ansible'),
    env: { ...a.env, ANSIBLE_CONFIG: join(repo, 'ansible', 'ansible.cfg') },
    reject: false,
    all: true,
  });
  if (r.exitCode !== 0)
    throw new Error(`the SFTP target on ${server}'s stand-in failed:\n${(r.all ?? '').trim().slice(-3000)}`);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export async function restoreDrill(
  ctx: LabContext,
  plan: RestoreDrillPlan,
  opts: { log?: (line: string) => void } = {},
): Promise<RestoreDrillResult> {
  const log = opts.log ?? (() => {});
  const host = plan.source.host.name;
  const server = plan.server.name;
  for (const h of [host, server]) {
    if (!ctx.plan.machines.some((m) => m.host === h))
      throw new Error(`lab ${ctx.plan.id}: ${h} is not a machine of this lab`);
  }
  const start = performance.now();
  const notes: string[] = [];
  const steps: RestoreDrillResult['steps'] = [];
  const result = (extra: Partial<RestoreDrillResult>): RestoreDrillResult => ({
    host,
    server,
    steps,
    backupS: 0,
    backupOk: false,
    restoreS: 0,
    files: [],
    excludedOk: false,
    excluded: plan.excluded,
    totalS: (performance.now() - start) / 1000,
    ok: false,
    notes,
    ...extra,
  });

  await prepareTarget(ctx, server, log);
  log(`drill: ${host}: the restic_client role through the engine (${BACKUP_STEPS.restic})`);
  const install = await labApply(ctx, { steps: [BACKUP_STEPS.restic], only: host, log });
  steps.push({ id: BACKUP_STEPS.restic, result: install });
  if (install.status !== 'done') {
    notes.push(`${BACKUP_STEPS.restic} failed: see ${install.logs}`);
    return result({});
  }

  // Known content: random bytes whose hash is kept here, not on the machine.
  const want = new Map<string, string>();
  for (const f of [...plan.files, { path: plan.excluded, bytes: 4096 }]) {
    const data = randomBytes(f.bytes);
    want.set(f.path, sha256(data));
    const w = await onMachine(
      ctx,
      host,
      `mkdir -p ${quote(dirname(f.path))} && cat > ${quote(f.path)}`,
      data,
    );
    if (w.exitCode !== 0) throw new Error(`drill: could not plant ${f.path} on ${host}: ${w.stderr}`);
  }
  log(
    `drill: ${host}: planted ${plan.files.length} files (and ${plan.excluded}, which the excludes leave out)`,
  );

  log(`drill: ${host}: the nightly backup now (systemctl start beelab-restic.service: backup, prune, check)`);
  const b0 = performance.now();
  const backup = await onMachine(ctx, host, 'systemctl start beelab-restic.service');
  const backupS = (performance.now() - b0) / 1000;
  if (backup.exitCode !== 0) {
    const j = await onMachine(ctx, host, 'journalctl --no-pager -n 30 -u beelab-restic.service');
    notes.push(`the backup unit failed (exit ${backup.exitCode}):`, ...j.stdout.split('\n'));
    return result({ backupS });
  }
  const snaps = await onMachine(
    ctx,
    host,
    `set -a && . ${RESTIC_ETC}/restic.env && restic snapshots --json --tag beelab`,
  );
  const list =
    snaps.exitCode === 0 ? (JSON.parse(snaps.stdout) as { short_id: string; paths: string[] }[]) : [];
  const last = list.at(-1);
  const snapshot = last ? { id: last.short_id, paths: last.paths } : undefined;
  log(
    `drill: ${host}: backup ${snapshot?.id ?? '(no snapshot listed)'} of ${snapshot?.paths.join(' ') ?? '?'} in ${backupS.toFixed(1)} s`,
  );

  const dirs = [...new Set([...plan.files.map((f) => f.path), plan.excluded].map(drillRoot))];
  const gone = await onMachine(
    ctx,
    host,
    `rm -rf ${dirs.map(quote).join(' ')} && ${dirs.map((d) => `! test -e ${quote(d)}`).join(' && ')}`,
  );
  if (gone.exitCode !== 0) throw new Error(`drill: the planted files on ${host} are still there`);
  log(`drill: ${host}: destroyed ${dirs.join(', ')}`);

  const restoreId = BACKUP_STEPS.restoreFiles(host);
  log(`drill: ${host}: the restore step (${restoreId})`);
  const restore = await labApply(ctx, { steps: [restoreId], only: host, log });
  steps.push({ id: restoreId, result: restore });
  const restoreS = (restore.stepMs[restoreId] ?? restore.ms) / 1000;
  if (restore.status !== 'done') notes.push(`${restoreId} failed: see ${restore.logs}`);

  const files: RestoreDrillResult['files'] = [];
  for (const f of plan.files) {
    const r = await onMachine(ctx, host, `sha256sum ${quote(f.restoredAt)}`);
    const got = r.stdout.split(' ')[0];
    const ok = r.exitCode === 0 && got === want.get(f.path);
    files.push({
      path: f.path,
      restoredAt: f.restoredAt,
      ok,
      ...(ok ? {} : { problem: r.exitCode !== 0 ? 'not restored' : `sha256 ${got} differs` }),
    });
  }
  const stray = await onMachine(
    ctx,
    host,
    `ls -d ${quote(plan.excluded)} ${quote(`${plan.source.restoreStage}${plan.excluded}`)} 2>/dev/null`,
  );
  const excludedOk = stray.stdout.trim() === '';
  if (!excludedOk) notes.push(`restored although excluded: ${stray.stdout.trim()}`);
  const ok = restore.status === 'done' && files.every((f) => f.ok) && excludedOk;
  return result({ backupS, backupOk: true, snapshot, restoreS, files, excludedOk, ok });
}

/** `/srv/beelab-drill/notes/x` → `/srv/beelab-drill`. */
function drillRoot(path: string): string {
  const i = path.indexOf(`/${DRILL_DIR}/`);
  return path.slice(0, i + DRILL_DIR.length + 1);
}
