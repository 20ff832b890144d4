// `beelab lab apply` and the host-dies drill: the real apply engine and the generated Ansible, run against the lab.
// Steps on booted machines run for real (Ansible over SSH from the management VLAN, --limit to the machines);
// the firewall step installs the Linux router's ruleset and DHCP/DNS on the router namespace, which starts
// bare; a step that provisions VMs boots the machines fresh; every other step is reported as not emulated.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { applySteps, collectSteps } from '../apply/collect.ts';
import { type ApplyEvent, startApply } from '../apply/engine.ts';
import type { StepExecutor, StepOutcome, StepRun } from '../apply/executor.ts';
import { buildGraph } from '../apply/graph.ts';
import { Journal } from '../apply/journal.ts';
import { planApply } from '../apply/plan.ts';
import { rebuildSteps } from '../apply/rebuild.ts';
import { UserError } from '../errors.ts';
import { FIREWALL_STEP } from '../layers/network/steps.ts';
import { type Step, secretEnvName } from '../layers/step.ts';
import { renderSite } from '../project/render-site.ts';
import { generateSecret } from '../secrets/catalog.ts';
import type { SecretProvider } from '../secrets/provider.ts';
import type { LabContext } from './context.ts';
import { labAnsible, labAnsibleArgv } from './machines/ansible.ts';
import { startRouter } from './router.ts';
import { nsRun } from './system.ts';

/** The lab's own rendered repository and journal: the operator's site directory is never written. */
export function labApplyRepo(ctx: LabContext): string {
  const repo = join(ctx.dir, 'apply');
  for (const [path, f] of renderSite(ctx.site).entries()) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), f.content, { mode: f.mode });
  }
  return repo;
}

/** Why a step cannot run in this lab, or undefined when it can. */
export function notEmulated(step: Step, machines: ReadonlySet<string>): string | undefined {
  if (step.id === FIREWALL_STEP) return undefined;
  if (!step.hosts.some((h) => machines.has(h)))
    return `none of its hosts (${step.hosts.join(', ') || 'none'}) is a lab machine`;
  if (step.notInLab) return step.notInLab;
  if (step.run.kind === 'ansible-playbook' || step.rebuild?.provisions) return undefined;
  // A shell, talosctl, http or manual step addresses its hosts its own way, not through the lab inventory.
  return `a ${step.run.kind} step runs only against the real hosts`;
}

/** Lab-only secrets: fresh random values in the run directory (0600), never the site's secrets/. */
export function labSecrets(ctx: LabContext): SecretProvider {
  return async (names) => {
    const env: Record<string, string> = {};
    for (const name of names) {
      const file = join(ctx.dir, 'secrets', name);
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // Created once per lab run, then reused: a second apply sees the same value.
      if (!existsSync(file)) writeFileSync(file, `${generateSecret('password')}\n`, { mode: 0o600 });
      env[secretEnvName(name)] = file;
    }
    return { env, cleanup: async () => {} };
  };
}

/** Empties the router namespace: no ruleset, no dnsmasq, no forwarding. What `lab apply` starts from. */
export async function bareRouter(ctx: LabContext): Promise<void> {
  const ns = ctx.plan.names.router;
  await nsRun(ns, ['nft', 'flush', 'ruleset']);
  try {
    const pid = Number(readFileSync(join(ctx.dir, 'dnsmasq.pid'), 'utf8').trim());
    if (Number.isInteger(pid) && pid > 1) process.kill(pid, 'SIGTERM');
  } catch {
    // no dnsmasq running
  }
  await nsRun(ns, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
}

/** Whether the router namespace holds the generated table (the firewall step's own check). */
async function routerLoaded(ctx: LabContext): Promise<boolean> {
  const r = await execa('ip', ['netns', 'exec', ctx.plan.names.router, 'nft', 'list', 'tables'], {
    reject: false,
  });
  return r.exitCode === 0 && r.stdout.trim().length > 0;
}

interface LabExecutorOptions {
  repo: string;
  machines: ReadonlySet<string>;
  /** Boots a machine fresh (a new overlay) when it is not running: the lab's stand-in for creating a VM. */
  provision?: (host: string, log: (l: string) => void) => Promise<void>;
  /** A rebuild acts on this host only (`--limit`), not on every machine its steps name. */
  only?: string;
}

function labExecutor(ctx: LabContext, o: LabExecutorOptions): StepExecutor {
  const a = labAnsible(ctx, o.repo);
  const write = (r: StepRun) => (l: string) => r.log.write(`${l}\n`);
  return {
    name: 'lab',
    async run(r): Promise<StepOutcome> {
      const { step } = r;
      try {
        if (step.id === FIREWALL_STEP) {
          write(r)(
            `[lab] ${step.id}: the Linux router's ruleset, sysctl and dnsmasq into ${ctx.plan.names.router}`,
          );
          if (!(await routerLoaded(ctx))) await startRouter(ctx.dir, ctx.plan.names.router, ctx.router);
          return (await routerLoaded(ctx))
            ? { ok: true, exitCode: 0 }
            : { ok: false, exitCode: null, error: 'the router has no ruleset after the install' };
        }
        const on = step.hosts.filter((h) => o.machines.has(h) && (o.only === undefined || h === o.only));
        if (step.rebuild?.provisions) {
          for (const h of on) await o.provision?.(h, write(r));
          write(r)(`[lab] ${step.id}: the machines stand in for the VMs Proxmox VE would create`);
          return { ok: true, exitCode: 0 };
        }
        if (step.run.kind !== 'ansible-playbook') {
          return { ok: false, exitCode: null, error: `the lab runs no ${step.run.kind} step` };
        }
        const args = [
          step.run.playbook.replace(/^ansible\//, ''),
          '--limit',
          on.join(','),
          ...(step.run.tags?.length ? ['--tags', step.run.tags.join(',')] : []),
        ];
        const argv = labAnsibleArgv(a, args, 'ansible-playbook');
        write(r)(`[lab] ${step.id}: ${argv.join(' ')}`);
        const child = await execa(argv[0]!, argv.slice(1), {
          cwd: join(o.repo, 'ansible'),
          env: { ...a.env, ...r.env, ANSIBLE_CONFIG: join(o.repo, 'ansible', 'ansible.cfg') },
          reject: false,
          all: true,
          cancelSignal: r.signal,
        });
        r.log.write(child.all ?? '');
        return child.exitCode === 0
          ? { ok: true, exitCode: 0 }
          : {
              ok: false,
              exitCode: child.exitCode ?? null,
              error: `ansible-playbook exited ${child.exitCode}`,
            };
      } catch (err) {
        return { ok: false, exitCode: null, error: (err as Error).message.split('\n')[0] };
      }
    },
  };
}

export interface LabApplyResult {
  status: 'done' | 'failed' | 'interrupted';
  /** Step ids by what happened to them. */
  ran: string[];
  upToDate: string[];
  failed: string[];
  /** Steps the lab cannot run, with why. */
  notEmulated: [string, string][];
  ms: number;
  /** Milliseconds each step that ended took, by id. */
  stepMs: Record<string, number>;
  /** The engine's log directory for this run. */
  logs: string;
}

export interface LabApplyOptions {
  /** `rebuild`: the rebuild steps of one host, every one run (the hardware is new). */
  rebuild?: string;
  /**
   * A drill's: only these steps (restore steps included), each run whatever the journal says, on `only` (or
   * every machine they name). The router is left as it is.
   */
  steps?: string[];
  only?: string;
  log?: (line: string) => void;
  provision?: LabExecutorOptions['provision'];
  signal?: AbortSignal;
}

/** Runs the engine over the lab; the first apply of a run starts from a bare router. */
export async function labApply(ctx: LabContext, opts: LabApplyOptions = {}): Promise<LabApplyResult> {
  const start = performance.now();
  const repo = labApplyRepo(ctx);
  const machines = new Set(ctx.plan.machines.map((m) => m.host));
  if (machines.size === 0)
    throw new UserError(`lab ${ctx.plan.id} has no machines: nothing to apply to`, [
      '  hint: sudo beelab lab up DIR --machines',
    ]);
  const journal = Journal.open(repo);
  const hosts = new Set(ctx.site.hosts.map((h) => h.name));
  const all = collectSteps(ctx.site, renderSite(ctx.site));
  const steps = opts.rebuild || opts.steps ? all : applySteps(all);
  let graph = buildGraph(steps, hosts);
  let selected = graph.order;
  if (opts.rebuild) {
    const rb = rebuildSteps(ctx.site, graph.order, opts.rebuild);
    graph = buildGraph(rb.steps, hosts);
    selected = graph.order;
  }
  if (opts.steps) {
    const want = new Set(opts.steps);
    const unknown = opts.steps.filter((id) => !graph.order.some((s) => s.id === id));
    if (unknown.length > 0) throw new Error(`lab: no step ${unknown.join(', ')} in ${ctx.site.name}`);
    selected = graph.order.filter((s) => want.has(s.id));
  }
  const skipped: [string, string][] = [];
  const runnable = selected.filter((s) => {
    const why = notEmulated(s, machines);
    if (why) skipped.push([s.id, why]);
    return !why;
  });
  if (!opts.rebuild && !opts.steps && !journal.lastSuccess().has(FIREWALL_STEP)) await bareRouter(ctx);
  const plan = await planApply({
    dir: repo,
    selected: runnable,
    journal,
    ...(opts.rebuild ? { countRun: () => false, freshReason: 'rebuild from bare hardware' } : {}),
    ...(opts.steps ? { countRun: () => false, freshReason: 'drill' } : {}),
  });
  const ran: string[] = [];
  const failed: string[] = [];
  const stepMs: Record<string, number> = {};
  const upToDate = plan.steps.filter((p) => p.decision.action === 'skip').map((p) => p.step.id);
  const onEvent = (e: ApplyEvent) => {
    if (e.type !== 'step-end') return;
    (e.status === 'ok' ? ran : failed).push(e.id);
    stepMs[e.id] = e.durationMs;
    opts.log?.(
      `lab apply: ${e.id} ${e.status}${e.error ? `: ${e.error}` : ''} (${(e.durationMs / 1000).toFixed(1)} s)`,
    );
  };
  const handle = startApply({
    dir: repo,
    plan,
    journal,
    executor: labExecutor(ctx, {
      repo,
      machines,
      ...(opts.provision ? { provision: opts.provision } : {}),
      ...(opts.rebuild ? { only: opts.rebuild } : {}),
      ...(opts.only ? { only: opts.only } : {}),
    }),
    concurrency: 2,
    mode: opts.rebuild ? 'rebuild' : 'apply',
    selection: opts.rebuild ? [opts.rebuild] : (opts.steps ?? []),
    secrets: labSecrets(ctx),
    onEvent,
  });
  const stop = () => handle.stop('abort');
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    const end = await handle.done;
    return {
      status: end.status,
      ran,
      upToDate,
      failed,
      notEmulated: skipped,
      ms: performance.now() - start,
      stepMs,
      logs: join(repo, '.beelab', 'logs', end.run),
    };
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    await journal.close();
  }
}
