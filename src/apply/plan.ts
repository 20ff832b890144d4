// The apply plan: which steps run and why (never applied, inputs changed, failed last time) and which are up to date.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { Step } from '../layers/step.ts';
import { orderGraph, type StepGraph } from './graph.ts';
import type { Journal, StepEnd } from './journal.ts';

/** What a step reads and acts on, as hashed now. */
export interface StepInputs {
  /** sha256 over the input files, the step's definition and the generations of its secrets. */
  hash: string;
  /** path → sha256 of each input file. */
  files: Record<string, string>;
  /** What it acts on: executor kind and hosts. */
  target: string;
}

/**
 * Run or skip. Only a step's own inputs decide: a changed file re-runs exactly the steps that read it (a
 * step whose result depends on another's output lists that output among its inputs).
 */
export type Decision = { action: 'run'; reason: string } | { action: 'skip'; reason: string; since: string };

export interface PlannedStep {
  step: Step;
  inputs: StepInputs;
  decision: Decision;
}

export interface ApplyPlan {
  graph: StepGraph;
  steps: PlannedStep[];
  /** Dependencies outside the selection, assumed done: id → last success time or undefined (never). */
  outside: Map<string, string | undefined>;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function stepTarget(step: Step): string {
  return `${step.run.kind}:${[...step.hosts].sort().join(',')}`;
}

/** Hashes a step's inputs as they are on disk now; a missing input file is a UserError (render first). */
export async function hashStepInputs(
  dir: string,
  step: Step,
  secretGenerations: ReadonlyMap<string, number> = new Map(),
  cache: Map<string, Promise<string>> = new Map(),
): Promise<StepInputs> {
  const files: Record<string, string> = {};
  for (const path of [...step.inputs].sort()) {
    let h = cache.get(path);
    if (!h) {
      h = readFile(join(dir, path)).then(sha256, (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') {
          throw new UserError(`step ${step.id} reads ${path}, which is not in ${dir}`, [
            `  hint: run \`beelab render ${dir}\` first`,
          ]);
        }
        throw err;
      });
      cache.set(path, h);
    }
    files[path] = await h;
  }
  const definition = {
    run: step.run,
    verify: step.verify ?? null,
    secrets: (step.secrets ?? []).map((s) => `${s}@${secretGenerations.get(s) ?? 0}`),
    files,
  };
  return { hash: sha256(JSON.stringify(definition)), files, target: stepTarget(step) };
}

/** Why a step runs, or since when it is up to date, from the journal. */
export function decide(
  inputs: StepInputs,
  lastOk: StepEnd | undefined,
  lastEnd: StepEnd | undefined,
  interrupted: boolean,
): Decision {
  if (interrupted) return { action: 'run', reason: 'was running when the last apply stopped' };
  if (lastOk && lastOk.inputHash === inputs.hash && lastOk.target === inputs.target) {
    if (lastEnd && lastEnd !== lastOk && lastEnd.status !== 'ok') {
      return { action: 'run', reason: `last attempt ${lastEnd.status} (${lastEnd.at})` };
    }
    return { action: 'skip', reason: 'up to date', since: lastOk.at };
  }
  if (lastEnd && lastEnd.status !== 'ok' && (!lastOk || lastEnd.at >= lastOk.at)) {
    const what = lastEnd.exitCode !== null ? `exit ${lastEnd.exitCode}` : (lastEnd.error ?? lastEnd.status);
    return { action: 'run', reason: `last attempt ${lastEnd.status} (${what})` };
  }
  if (!lastOk) return { action: 'run', reason: 'never applied' };
  if (lastOk.target !== inputs.target) {
    return { action: 'run', reason: `target changed (${lastOk.target} → ${inputs.target})` };
  }
  const changed = Object.keys({ ...inputs.files, ...lastOk.inputs })
    .filter((p) => inputs.files[p] !== lastOk.inputs[p])
    .sort();
  if (changed.length > 0) return { action: 'run', reason: `changed: ${changed.join(', ')}` };
  return { action: 'run', reason: 'step definition changed (command, verify or a secret rotated)' };
}

/** Does `selector` (a layer, a host, a step id or an id prefix such as `ansible/ping`) pick this step? */
export function selects(step: Step, selector: string): boolean {
  return (
    step.layer === selector ||
    step.hosts.includes(selector) ||
    step.id === selector ||
    step.id.startsWith(`${selector}/`)
  );
}

/** Keeps the steps any selector picks; an unknown selector is a UserError listing what exists. */
export function selectSteps(steps: readonly Step[], selectors: readonly string[]): Step[] {
  if (selectors.length === 0) return [...steps];
  const unknown = selectors.filter((sel) => !steps.some((s) => selects(s, sel)));
  if (unknown.length > 0) {
    const layers = [...new Set(steps.map((s) => s.layer))].sort();
    const hosts = [...new Set(steps.flatMap((s) => s.hosts))].sort();
    throw new UserError(`--only ${unknown.join(', ')}: matches no step`, [
      `  layers: ${layers.join(', ')}`,
      `  hosts: ${hosts.slice(0, 30).join(', ')}${hosts.length > 30 ? ', ...' : ''}`,
      '  hint: `beelab apply --dry-run` lists every step id',
    ]);
  }
  return steps.filter((s) => selectors.some((sel) => selects(s, sel)));
}

/**
 * Plans a run of `selected` (steps of a validated graph): dependencies outside the selection are
 * assumed done and dropped from the graph (listed in `outside`), every step gets a decision.
 */
export async function planApply(opts: {
  dir: string;
  selected: readonly Step[];
  journal: Journal;
  secretGenerations?: ReadonlyMap<string, number>;
  /**
   * Which runs' records count as "done". All by default (apply); a rebuild counts only the run it resumes
   * (the hardware is new: what an earlier apply did to the old one is gone).
   */
  countRun?: (run: string) => boolean;
  /** The reason shown for a step with no counted record (default `never applied`). */
  freshReason?: string;
}): Promise<ApplyPlan> {
  const picked = new Set(opts.selected.map((s) => s.id));
  const lastOk = opts.journal.lastSuccess(opts.countRun);
  const lastEnd = opts.journal.lastEnd(opts.countRun);
  const unfinished = opts.journal.unfinished();
  const outside = new Map<string, string | undefined>();
  const steps = opts.selected.map((s) => {
    const after = (s.after ?? []).filter((d) => {
      if (picked.has(d)) return true;
      outside.set(d, lastOk.get(d)?.at);
      return false;
    });
    return after.length === (s.after ?? []).length ? s : { ...s, after };
  });
  const graph = orderGraph(steps);
  const cache = new Map<string, Promise<string>>();
  const planned: PlannedStep[] = await Promise.all(
    graph.order.map(async (step) => {
      const inputs = await hashStepInputs(opts.dir, step, opts.secretGenerations, cache);
      let decision = decide(inputs, lastOk.get(step.id), lastEnd.get(step.id), unfinished.has(step.id));
      if (opts.freshReason && decision.reason === 'never applied') {
        decision = { action: 'run', reason: opts.freshReason };
      }
      return { step, inputs, decision };
    }),
  );
  return { graph, steps: planned, outside };
}
