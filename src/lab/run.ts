// The lab commands as the CLI runs them: preconditions, the always-clean-up guard, output.
import { resolve as resolvePath } from 'node:path';
import { findTool } from '../check/tool-path.ts';
import { ExitError, UserError } from '../errors.ts';
import { createProgress } from '../kernel/progress.ts';
import { loadProject } from '../project/load.ts';
import { ask } from './agent/client.ts';
import { detectLinkMode, type LabContext, labContext } from './context.ts';
import { labDown } from './down.ts';
import { labAnsible, labAnsibleArgv } from './machines/ansible.ts';
import { parseMachineRequest } from './machines/select.ts';
import { newRunId } from './names.ts';
import type { LinkMode } from './plan.ts';
import { formatReport } from './report.ts';
import { readStates, runIds } from './state.ts';
import { labNamespaces } from './system.ts';
import { labTest } from './test.ts';
import { labUp } from './up.ts';

/** What every lab needs, with how to install it (the site CI's lab job installs the same). */
export const TOOLS: [string, string][] = [
  ['ip', 'apt-get install iproute2'],
  ['nft', 'apt-get install nftables'],
  ['dnsmasq', 'apt-get install dnsmasq'],
  ['busybox', 'apt-get install busybox (its udhcpc is the lab DHCP client)'],
  ['ping', 'apt-get install iputils-ping'],
];

/** What booting machines needs on top (`lab up --machines`). */
const MACHINE_TOOLS: [string, string][] = [
  ['systemd-nspawn', 'apt-get install systemd-container'],
  ['debootstrap', 'apt-get install debootstrap'],
  ['ssh-keygen', 'apt-get install openssh-client'],
  ['ssh-keyscan', 'apt-get install openssh-client'],
  ['chroot', 'apt-get install coreutils'],
  ['mount', 'apt-get install mount'],
  ['nsenter', 'apt-get install util-linux'],
  // Indexes the root's apt repository of the roles' packages (machines/root.ts).
  ['dpkg-scanpackages', 'apt-get install dpkg-dev'],
];

function preconditions(extra: [string, string][] = []): void {
  if (process.getuid?.() !== 0) {
    throw new UserError('the lab needs root: it creates network namespaces, veth links and loads nftables', [
      '  hint: sudo beelab lab test <dir>   (nothing in the lab is routed to or from the real network)',
    ]);
  }
  const missing = [...TOOLS, ...extra].filter(([t]) => !findTool(t));
  if (missing.length > 0) {
    throw new UserError(
      `the lab needs ${missing.map(([t]) => t).join(', ')}`,
      missing.map(([t, h]) => `  ${t}: ${h}`),
    );
  }
}

/**
 * Runs `work` with the lab `id` torn down on failure and on Ctrl-C / SIGTERM (and always, unless `keep`
 * says the lab should outlive the command after success).
 */
/** What `guarded` hands its work: the abort signal, and a call for when nothing more will be created. */
interface Guard {
  signal: AbortSignal;
  /** The lab is complete (nothing more is mounted or started): a signal may remove it right away. */
  built: () => void;
}

async function guarded<T>(
  id: string,
  keep: (ok: boolean) => boolean,
  work: (g: Guard) => Promise<T>,
): Promise<T> {
  let tearing: Promise<unknown> | undefined;
  const teardown = () => {
    tearing ??= labDown(id);
    return tearing;
  };
  const abort = new AbortController();
  let built!: () => void;
  const creating = new Promise<void>((r) => {
    built = r;
  });
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    process.stderr.write(`\n${sig}: removing lab ${id}...\n`);
    // Building stops at its next step (it checks the signal; debootstrap is cancelled), so nothing is
    // mounted or started after the teardown has looked; 15 s at most.
    abort.abort();
    const limit = new Promise((r) => setTimeout(r, 15_000).unref());
    void Promise.race([creating, limit])
      .then(teardown)
      .finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let ok = false;
  let out: T | undefined;
  try {
    out = await work({ signal: abort.signal, built });
    ok = true;
  } catch (err) {
    if (!signalled) throw err;
  } finally {
    built();
    // After a signal the handler removes the lab and exits with 130/143; whatever the work did is moot.
    if (signalled) await new Promise(() => {});
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (!keep(ok)) await teardown();
  }
  return out as T;
}

function parseMode(mode: string | undefined): LinkMode {
  if (mode === undefined || mode === 'auto') return detectLinkMode();
  if (mode === 'trunk' && detectLinkMode() !== 'trunk') {
    throw new UserError('--links trunk needs 802.1Q support in the kernel, and this one has none loaded', [
      '  hint: modprobe 8021q, or use --links veth (one veth per VLAN; the ruleset is the same)',
    ]);
  }
  if (mode === 'veth' || mode === 'trunk') return mode;
  throw new UserError(`--links ${mode}: expected auto, veth or trunk`);
}

const write = (s: string) => process.stdout.write(`${s}\n`);

/** A lab of this site that is up now, if any. */
async function runningLab(
  dir: string,
): Promise<{ id: string; mode: LinkMode; machines: string[] } | undefined> {
  const abs = resolvePath(dir);
  for (const s of readStates()) {
    if (s.dir === abs && (await labNamespaces(s.id)).length > 0)
      return { id: s.id, mode: s.mode, machines: s.machines ?? [] };
  }
  return undefined;
}

function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(`--machine-timeout ${value}: expected seconds, e.g. 120`);
  return n * 1000;
}

export async function runLabUp(
  dir: string,
  opts: { links?: string; machines?: string | boolean; machineTimeout?: string },
): Promise<void> {
  const machines = parseMachineRequest(opts.machines);
  const timeoutMs = parseTimeout(opts.machineTimeout);
  preconditions(machines ? MACHINE_TOOLS : []);
  const { site } = await loadProject(dir);
  const running = await runningLab(dir);
  if (running)
    throw new UserError(
      `a lab of ${site.name} is already up (${running.id}); run \`beelab lab down ${dir}\` first`,
    );
  const id = newRunId();
  const start = performance.now();
  const progress = createProgress({ label: 'lab up', unit: 'steps', out: process.stdout });
  const ctx = await guarded(
    id,
    (ok) => ok,
    ({ signal }) =>
      labUp(site, {
        signal,
        id,
        mode: parseMode(opts.links),
        siteDir: resolvePath(dir),
        log: (line) => progress.note(line),
        machines,
        machineTimeoutMs: timeoutMs,
      }),
  ).finally(() => progress.close(false));
  write(`lab ${id} up in ${((performance.now() - start) / 1000).toFixed(1)} s. Enter a namespace with e.g.:`);
  write(`  ip netns exec ${ctx.plan.vlans[0]?.netns ?? ctx.plan.names.router} bash`);
  if (ctx.plan.machines.length > 0)
    write(`  beelab lab ansible ${dir} -- ${ctx.plan.machines[0]!.host} -m ping   # the generated inventory`);
  write(`then \`beelab lab test ${dir}\`, and \`beelab lab down ${dir}\` to remove it.`);
}

/** A lab left up must still have its agents; a machine that lost them (e.g. killed) needs `lab down`. */
async function reachable(ctx: LabContext, dir: string): Promise<LabContext> {
  for (const [netns, socket] of ctx.sockets) {
    try {
      await ask<'status'>(socket, { op: 'status' }, 5000);
    } catch {
      throw new UserError(`lab ${ctx.plan.id} is up but its agent in ${netns} does not answer`, [
        `  hint: beelab lab down ${dir}, then test again`,
      ]);
    }
  }
  return ctx;
}

export async function runLabTest(
  dir: string,
  opts: { keep?: boolean; json?: boolean; links?: string },
): Promise<void> {
  preconditions();
  const { site } = await loadProject(dir);
  const running = await runningLab(dir);
  // stdout like `lab up`; with --json stdout is only the report
  const progress = createProgress({
    label: 'lab test',
    unit: 'checks',
    out: opts.json ? process.stderr : process.stdout,
  });
  const log = opts.json ? () => {} : (line: string) => progress.note(line);
  const test = async () => {
    if (running)
      return labTest(
        await reachable(labContext(site, running.id, running.mode, running.machines), dir),
        progress,
      );
    const id = newRunId();
    return guarded(
      id,
      (ok) => ok && opts.keep === true,
      async ({ signal, built }) => {
        const ctx = await labUp(site, {
          id,
          mode: parseMode(opts.links),
          siteDir: resolvePath(dir),
          log,
          signal,
        });
        built();
        return labTest(ctx, progress);
      },
    );
  };
  const report = await test().finally(() => progress.close());
  if (opts.json) write(JSON.stringify(report, null, 2));
  else
    write(
      formatReport(
        report,
        site.vlans.map((v) => v.name),
      ),
    );
  if (!report.ok) throw new ExitError(1);
}

export async function runLabDown(dir: string | undefined, opts: { all?: boolean }): Promise<void> {
  preconditions();
  const targets = new Set<string>();
  if (opts.all || dir === undefined) {
    for (const n of await labNamespaces()) targets.add(n.slice('bllab-'.length, 'bllab-'.length + 6));
    for (const id of runIds()) targets.add(id);
  } else {
    const abs = resolvePath(dir);
    const states = readStates();
    for (const s of states) if (s.dir === abs) targets.add(s.id);
    // Leftovers of runs that died before recording their site.
    const known = new Set(states.map((s) => s.id));
    for (const n of await labNamespaces()) {
      const id = n.slice('bllab-'.length, 'bllab-'.length + 6);
      if (!known.has(id)) targets.add(id);
    }
  }
  let removed = 0;
  for (const id of targets) removed += (await labDown(id)).length;
  write(
    targets.size === 0 ? 'no lab to remove' : `removed ${targets.size} lab run(s), ${removed} namespaces`,
  );
}

/**
 * `lab ansible`: ansible (or ansible-playbook) from the management VLAN with the generated inventory and the
 * lab's override, against the machines of the running lab; exits with ansible's status.
 */
export async function runLabAnsible(
  dir: string,
  args: string[],
  opts: { playbook?: boolean },
): Promise<void> {
  preconditions([[opts.playbook ? 'ansible-playbook' : 'ansible', 'apt-get install ansible']]);
  const { site } = await loadProject(dir);
  const running = await runningLab(dir);
  if (!running || running.machines.length === 0) {
    throw new UserError(`no lab of ${site.name} with machines is up`, [
      `  hint: sudo beelab lab up ${dir} --machines`,
    ]);
  }
  const ctx = labContext(site, running.id, running.mode, running.machines);
  const a = labAnsible(ctx, resolvePath(dir));
  const argv = labAnsibleArgv(a, args, opts.playbook ? 'ansible-playbook' : 'ansible');
  const { execa } = await import('execa');
  const r = await execa(argv[0]!, argv.slice(1), {
    cwd: a.repo,
    env: a.env,
    stdio: 'inherit',
    reject: false,
  });
  if (r.exitCode !== 0) throw new ExitError(r.exitCode ?? 1);
}

/** The running lab of DIR with machines, or a clear error. */
async function machineLab(dir: string): Promise<LabContext> {
  const { site } = await loadProject(dir);
  const running = await runningLab(dir);
  if (!running || running.machines.length === 0) {
    throw new UserError(`no lab of ${site.name} with machines is up`, [
      `  hint: sudo beelab lab up ${dir} --machines`,
    ]);
  }
  return reachable(labContext(site, running.id, running.mode, running.machines), dir);
}

export async function runLabApply(dir: string): Promise<void> {
  preconditions([
    ['ansible-playbook', 'apt-get install ansible'],
    ['ssh', 'apt-get install openssh-client'],
  ]);
  const ctx = await machineLab(dir);
  const { labApply } = await import('./apply.ts');
  const r = await labApply(ctx, { log: write });
  for (const [id, why] of r.notEmulated) write(`  not emulated: ${id}: ${why}`);
  write(
    `lab apply: ${r.ran.length} ran, ${r.upToDate.length} up to date, ${r.failed.length} failed, ${r.notEmulated.length} not emulated, ${(r.ms / 1000).toFixed(1)} s (logs: ${r.logs})`,
  );
  if (r.status !== 'done') throw new ExitError(1, `lab apply ${r.status}: see ${r.logs}`);
}

export async function runLabDrill(
  kind: string,
  host: string,
  dir: string,
  opts: { links?: string } = {},
): Promise<void> {
  if (kind === 'restore') return runRestoreDrill(host, dir, opts);
  if (kind !== 'host-dies') {
    throw new UserError(`unknown drill ${kind}`, ['  drills: host-dies HOST, restore HOST']);
  }
  preconditions([
    ['ansible-playbook', 'apt-get install ansible'],
    ['systemd-nspawn', 'apt-get install systemd-container'],
  ]);
  const ctx = await machineLab(dir);
  const { hostDies } = await import('./drill.ts');
  const d = await hostDies(ctx, host, { log: write });
  const svc = d.services.map((s) => `${s.name}:${s.port} ${s.ok ? 'answers' : 'not listening'}`).join(', ');
  write(
    [
      `drill host-dies ${host}: ${d.ok ? 'PASSED' : 'FAILED'} in ${d.totalS.toFixed(1)} s (machine boot ${d.bootS.toFixed(1)} s, rebuild steps ${(d.rebuild.ms / 1000).toFixed(1)} s, lab test ${(d.test.ms / 1000).toFixed(1)} s)`,
      `  rebuild: ${d.rebuild.ran.join(', ') || 'nothing ran'}${d.rebuild.failed.length ? `; failed: ${d.rebuild.failed.join(', ')}` : ''}`,
      `  ssh: ${d.sshOk ? 'answers' : 'no answer'}; services: ${svc || 'none'}`,
      `  policy: ${d.test.ok ? 'holds' : 'BROKEN'} (${d.test.matrix.length} probes)`,
    ].join('\n'),
  );
  if (!d.ok) throw new ExitError(1);
}

/**
 * `lab drill restore HOST`: in a lab of its own (HOST and a stand-in for the backup server, removed after), HOST's
 * files are backed up with the rendered restic client, destroyed and restored by the rendered restore step.
 */
async function runRestoreDrill(host: string, dir: string, opts: { links?: string }): Promise<void> {
  preconditions([
    ['ansible-playbook', 'apt-get install ansible'],
    ['ssh', 'apt-get install openssh-client'],
    ...MACHINE_TOOLS,
  ]);
  const { site } = await loadProject(dir);
  const { restoreDrill, restoreDrillMachines, restoreDrillPlan } = await import('./drill-restore.ts');
  const plan = restoreDrillPlan(site, host);
  const id = newRunId();
  const d = await guarded(
    id,
    () => false,
    async ({ signal, built }) => {
      const ctx = await labUp(site, {
        id,
        mode: parseMode(opts.links),
        siteDir: resolvePath(dir),
        log: write,
        signal,
        ...restoreDrillMachines(plan),
      });
      built();
      return restoreDrill(ctx, plan, { log: write });
    },
  );
  const bad = d.files.filter((f) => !f.ok);
  write(
    [
      `drill restore ${host}: ${d.ok ? 'PASSED' : 'FAILED'} in ${d.totalS.toFixed(1)} s (backup ${d.backupS.toFixed(1)} s, restore ${d.restoreS.toFixed(1)} s)`,
      `  steps: ${d.steps.map((s) => `${s.id} ${s.result.status}`).join(', ')}`,
      `  backup: ${d.backupOk ? `snapshot ${d.snapshot?.id ?? '?'} of ${d.snapshot?.paths.join(' ') ?? '?'} on ${d.server}'s stand-in` : 'FAILED'}`,
      `  files: ${d.files.length - bad.length}/${d.files.length} restored with the same sha256${bad.length ? `; ${bad.map((f) => `${f.restoredAt}: ${f.problem}`).join('; ')}` : ''}`,
      `  excluded ${d.excluded}: ${d.excludedOk ? 'left out, as the excludes say' : 'RESTORED (the excludes did not apply)'}`,
      ...d.notes.map((n) => `  ${n}`),
    ].join('\n'),
  );
  if (!d.ok) throw new ExitError(1);
}
