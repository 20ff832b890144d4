// `beelab apply` and `beelab rebuild`: load, render, collect steps, show the plan, ask, run, report.
import { confirm as askConfirm } from '@inquirer/prompts';
import { ExitError, UserError } from '../errors.ts';
import { describeExecutor, describeVerify, type Executor, type Step, secretEnvName } from '../layers/step.ts';
import { loadProject } from '../project/load.ts';
import { renderSite } from '../project/render-site.ts';
import { loadIdentity } from '../secrets/identity.ts';
import { SecretStore } from '../secrets/store.ts';
import { ensureSecrets, missingSecrets, secretProvider } from '../secrets/use.ts';
import { planTree } from '../tree/writer.ts';
import { applySteps, collectSteps } from './collect.ts';
import { type ApplyEvent, startApply } from './engine.ts';
import { processExecutor } from './executor.ts';
import { buildGraph } from './graph.ts';
import { formatHistory } from './history.ts';
import { Journal } from './journal.ts';
import { type ApplyPlan, planApply, selectSteps } from './plan.ts';
import { jsonReporter, plainReporter, type Reporter, ttyReporter } from './progress.ts';
import { rebuildSteps } from './rebuild.ts';

export interface ApplyCliOptions {
  yes?: boolean;
  dryRun?: boolean;
  only?: string[];
  resume?: boolean;
  json?: boolean;
  history?: boolean;
  concurrency?: string;
}

export interface RebuildCliOptions extends Omit<ApplyCliOptions, 'only' | 'history'> {
  all?: boolean;
}

type Out = { write(s: string): unknown; isTTY?: boolean };

interface Io {
  stdout: Out;
  stdinIsTTY: boolean;
}

const defaultIo = (): Io => ({ stdout: process.stdout, stdinIsTTY: Boolean(process.stdin.isTTY) });

function parseConcurrency(v: string | undefined): number {
  const n = Number(v ?? 4);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new UserError(`--concurrency ${v}: must be a whole number from 1 to 256`);
  }
  return n;
}

/** The repository on disk must be what beelab.yaml renders: steps run the files on disk. */
async function assertRendered(dir: string, tree: ReturnType<typeof renderSite>): Promise<void> {
  const plan = await planTree(dir, tree);
  const stale = plan.entries.filter((e) => e.status !== 'unchanged');
  if (stale.length === 0) return;
  throw new UserError(
    `the repository in ${dir} is not what beelab.yaml renders (${stale.length} file${stale.length === 1 ? '' : 's'} differ)`,
    [
      ...stale.slice(0, 8).map((e) => `  ${e.status}: ${e.path}`),
      ...(stale.length > 8 ? [`  ... and ${stale.length - 8} more`] : []),
      `  hint: review with \`beelab plan ${dir}\`, write with \`beelab render ${dir}\`, then apply`,
    ],
  );
}

/** The plan as the operator reads it: every step in order, run or up to date, and why. */
export function formatPlan(
  plan: ApplyPlan,
  extra: { secrets: string[]; notes: string[]; dryRun: boolean },
): string {
  const out: string[] = [];
  const toRun = plan.steps.filter((p) => p.decision.action === 'run').length;
  out.push(`Plan: ${toRun} of ${plan.steps.length} steps to run, in this order:`);
  const w = Math.min(44, Math.max(...plan.steps.map((p) => p.step.id.length), 4));
  for (const [i, p] of plan.steps.entries()) {
    const mark = p.decision.action === 'run' ? 'run ' : 'skip';
    const why = p.decision.action === 'skip' ? `up to date since ${p.decision.since}` : p.decision.reason;
    out.push(`  ${String(i + 1).padStart(3)} ${mark} ${p.step.id.padEnd(w)}  ${why}`);
    out.push(`           ${p.step.title} [${p.step.hosts.join(', ') || 'no host'}]`);
    if (extra.dryRun && p.decision.action === 'run') {
      const env = (p.step.secrets ?? []).map((s) => `${secretEnvName(s)}=<0600 temp file>`).join(' ');
      if (p.step.run.kind === 'shell') {
        out.push(`           $ ${env ? `${env} ` : ''}bash -euo pipefail -c <this script>`);
        for (const l of p.step.run.script.split('\n')) out.push(`           | ${l}`);
      } else out.push(`           $ ${env ? `${env} ` : ''}${describeExecutor(p.step.run)}`);
      if (p.step.run.kind === 'manual')
        for (const l of p.step.run.instructions) out.push(`             ${l}`);
      if (p.step.verify) out.push(`           verify: ${describeVerify(p.step.verify)}`);
      out.push(
        `           after: ${(p.step.after ?? []).join(', ') || '-'}; reads: ${p.step.inputs.join(', ') || '-'}`,
      );
    }
  }
  for (const [id, at] of plan.outside) {
    out.push(
      `  note: ${id} is outside the selection and assumed done${at ? ` (succeeded ${at})` : ' — it has NEVER succeeded'}`,
    );
  }
  for (const n of extra.notes) out.push(`  note: ${n}`);
  if (extra.secrets.length > 0)
    out.push(
      `  secrets to create (once, encrypted to site.admin.ageRecipients): ${extra.secrets.join(', ')}`,
    );
  return `${out.join('\n')}\n`;
}

function makeReporter(opts: { json?: boolean }, out: Out): Reporter {
  if (opts.json) return jsonReporter(out);
  return out.isTTY ? ttyReporter(out) : plainReporter(out);
}

interface Prepared {
  dir: string;
  plan: ApplyPlan;
  journal: Journal;
  store: SecretStore;
  missing: string[];
  recipients: string[];
  site: Awaited<ReturnType<typeof loadProject>>['site'];
  notes: string[];
  selection: string[];
  resumeOf?: string;
}

async function execute(p: Prepared, opts: ApplyCliOptions, mode: 'apply' | 'rebuild', io: Io): Promise<void> {
  const { plan, journal } = p;
  const toRun = plan.steps.filter((s) => s.decision.action === 'run');
  if (opts.json) {
    io.stdout.write(
      `${JSON.stringify({
        type: 'plan',
        steps: plan.steps.map((s) => ({
          id: s.step.id,
          action: s.decision.action,
          reason: s.decision.reason,
          hosts: s.step.hosts,
          command: describeExecutor(s.step.run),
        })),
        secretsToCreate: p.missing,
        notes: p.notes,
      })}\n`,
    );
  } else
    io.stdout.write(formatPlan(plan, { secrets: p.missing, notes: p.notes, dryRun: opts.dryRun ?? false }));
  if (opts.dryRun) return;
  if (toRun.length === 0 && (p.missing.length === 0 || p.recipients.length === 0)) {
    if (!opts.json) io.stdout.write('Nothing to do: every step is up to date.\n');
    return;
  }
  if (!opts.yes) {
    if (!io.stdinIsTTY) {
      throw new UserError(`refusing to ${mode} without a terminal to ask on`, [
        `  hint: read the plan (beelab ${mode} --dry-run), then pass --yes to run it from a script`,
      ]);
    }
    const go = await askConfirm({ message: `Run these ${toRun.length} steps?`, default: false });
    if (!go) throw new ExitError(1, 'Nothing was run.');
  }
  if (p.missing.length > 0) {
    if (p.recipients.length === 0) {
      io.stdout.write(
        `warning: ${p.missing.length} secret(s) not created (${p.missing.join(', ')}): site.admin.ageRecipients is empty; steps that need them will fail\n`,
      );
    } else {
      const { created, skipped } = await ensureSecrets(p.site, p.store);
      if (!opts.json && created.length)
        io.stdout.write(`Created secrets: ${created.join(', ')} (under secrets/; commit them)\n`);
      for (const s of skipped)
        io.stdout.write(`warning: secret ${s.name} not created: ${s.why}; steps that need it will fail\n`);
    }
  }
  const reporter = makeReporter(opts, io.stdout);
  let identity: ReturnType<typeof loadIdentity> | undefined;
  // Manual steps ask one at a time, with the live lines out of the way.
  let promptChain: Promise<unknown> = Promise.resolve();
  const confirmManual = (step: Step, run: Extract<Executor, { kind: 'manual' }>): Promise<boolean> => {
    const ask = async () => {
      if (!io.stdinIsTTY) return false;
      reporter.pause();
      try {
        io.stdout.write(
          `\n== ${step.id}: ${run.prompt}\n${run.instructions.map((l) => `   ${l}\n`).join('')}`,
        );
        return await askConfirm({ message: `Done with "${run.prompt}"?`, default: true });
      } finally {
        reporter.resume();
      }
    };
    const next = promptChain.then(ask, ask);
    promptChain = next.catch(() => {});
    return next;
  };
  const handle = startApply({
    dir: p.dir,
    plan,
    journal,
    executor: processExecutor,
    concurrency: parseConcurrency(opts.concurrency),
    mode,
    selection: p.selection,
    ...(p.resumeOf ? { resumeOf: p.resumeOf } : {}),
    secrets: secretProvider(p.store, () => {
      identity ??= loadIdentity();
      return identity;
    }),
    confirm: confirmManual,
    onEvent: (e: ApplyEvent) => reporter.event(e),
  });
  const onSignal = (sig: NodeJS.Signals) => {
    handle.stop(stops++ === 0 ? 'finish' : 'abort');
    if (stops > 2) process.kill(process.pid, sig === 'SIGINT' ? 'SIGKILL' : sig);
  };
  let stops = 0;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const end = await handle.done;
    reporter.close();
    await journal.close();
    if (end.status === 'interrupted') {
      throw new ExitError(130, `Stopped. The journal is consistent: \`beelab ${mode} --resume\` continues.`);
    }
    if (end.status === 'failed') {
      throw new ExitError(
        1,
        `${end.failed} step(s) failed; logs under .beelab/logs/${end.run}/. Fix, then \`beelab ${mode} --resume\`.`,
      );
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function resumeTarget(journal: Journal, mode: 'apply' | 'rebuild'): { run: string; selection: string[] } {
  const last = journal.lastRun();
  if (!last) throw new UserError(`nothing to resume: ${journal.file} records no run`);
  if (last.start.mode !== mode) {
    throw new UserError(
      `the last run was a ${last.start.mode}: resume it with \`beelab ${last.start.mode} --resume\``,
    );
  }
  if (last.end?.status === 'done') {
    throw new UserError(`nothing to resume: the last ${mode} (${last.start.run}) finished`, [
      `  hint: run \`beelab ${mode}\` without --resume`,
    ]);
  }
  return { run: last.start.run, selection: last.start.selection };
}

async function loadAll(dir: string, mode: 'apply' | 'rebuild') {
  // The journal first: a damaged one stops everything before anything else is read.
  const journal = Journal.open(dir);
  const project = await loadProject(dir);
  const tree = renderSite(project.site);
  await assertRendered(dir, tree);
  const store = SecretStore.open(dir);
  const all = collectSteps(project.site, tree);
  const steps = mode === 'apply' ? applySteps(all) : all;
  const graph = buildGraph(steps, new Set(project.site.hosts.map((h) => h.name)));
  return { journal, project, store, graph };
}

export async function runApply(dir: string, opts: ApplyCliOptions, io: Io = defaultIo()): Promise<void> {
  if (opts.history) {
    io.stdout.write(formatHistory(Journal.open(dir)));
    return;
  }
  const { journal, project, store, graph } = await loadAll(dir, 'apply');
  let selection = opts.only ?? [];
  let resumeOf: string | undefined;
  if (opts.resume) {
    const r = resumeTarget(journal, 'apply');
    if (selection.length > 0 && selection.join(',') !== r.selection.join(',')) {
      throw new UserError(
        `--resume continues the run with --only ${r.selection.join(',') || '(everything)'}; drop --only`,
      );
    }
    selection = r.selection;
    resumeOf = r.run;
  }
  const selected = selectSteps(graph.order, selection);
  const plan = await planApply({ dir, selected, journal, secretGenerations: store.generations() });
  const notes = store
    .leftovers()
    .map((f) => `${f} is left from an interrupted write (the stored secret is intact); remove it`);
  await execute(
    {
      dir,
      plan,
      journal,
      store,
      missing: missingSecrets(project.site, store).map((d) => d.name),
      recipients: project.site.admin.ageRecipients,
      site: project.site,
      notes,
      selection,
      ...(resumeOf ? { resumeOf } : {}),
    },
    opts,
    'apply',
    io,
  );
}

export async function runRebuild(
  dir: string,
  host: string | undefined,
  opts: RebuildCliOptions,
  io: Io = defaultIo(),
): Promise<void> {
  if ((host === undefined) === !opts.all) {
    throw new UserError(host ? 'give a HOST or --all, not both' : 'rebuild what? give a HOST or --all', [
      '  example: beelab rebuild pve2 my-lab    |    beelab rebuild --all my-lab',
    ]);
  }
  const { journal, project, store, graph } = await loadAll(dir, 'rebuild');
  const site = project.site;
  if (host !== undefined && !site.hosts.some((h) => h.name === host)) {
    throw new UserError(`no host ${host} in the Site`, [
      `  hosts: ${site.hosts.map((h) => h.name).join(', ')}`,
    ]);
  }
  let selection = host === undefined ? ['--all'] : [host];
  let resumeOf: string | undefined;
  let countRun: (run: string) => boolean = () => false;
  if (opts.resume) {
    const r = resumeTarget(journal, 'rebuild');
    if (r.selection.join(',') !== selection.join(',')) {
      throw new UserError(
        `the interrupted rebuild was of ${r.selection.join(', ')}, not ${selection.join(', ')}`,
      );
    }
    resumeOf = r.run;
    const chain = journal.resumeChain();
    countRun = (run) => chain.has(run);
  }
  const rb = rebuildSteps(site, graph.order, host);
  const rGraph = buildGraph(rb.steps, new Set(site.hosts.map((h) => h.name)));
  const plan = await planApply({
    dir,
    selected: rGraph.order,
    journal,
    secretGenerations: store.generations(),
    countRun,
    freshReason: 'rebuild from bare hardware',
  });
  selection = host === undefined ? ['--all'] : [host];
  await execute(
    {
      dir,
      plan,
      journal,
      store,
      missing: missingSecrets(site, store).map((d) => d.name),
      recipients: site.admin.ageRecipients,
      site,
      notes: rb.notes,
      selection,
      ...(resumeOf ? { resumeOf } : {}),
    },
    opts,
    'rebuild',
    io,
  );
}
