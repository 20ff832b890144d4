// The engine: runs a plan through the scheduler, one journal record before and after each step, a log per step.

import { setMaxListeners } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Executor, Step } from '../layers/step.ts';
import type { SecretMaterial, SecretProvider } from '../secrets/provider.ts';
import type { StepExecutor, StepOutcome } from './executor.ts';
import { type Journal, LOGS_DIR } from './journal.ts';
import type { ApplyPlan } from './plan.ts';
import { schedule } from './scheduler.ts';

export type StepStatus = 'ok' | 'failed' | 'aborted';
export type RunStatus = 'done' | 'failed' | 'interrupted';

/** What the engine reports while it runs (`--json` prints these, one per line). */
export type ApplyEvent =
  | { type: 'run-start'; run: string; at: string; steps: number; toRun: number }
  | { type: 'step-skip'; id: string; reason: string }
  | { type: 'step-start'; id: string; at: string; hosts: string[]; reason: string; log: string }
  | {
      type: 'step-end';
      id: string;
      at: string;
      status: StepStatus;
      durationMs: number;
      error?: string;
      log: string;
    }
  | { type: 'step-blocked'; id: string; cause: string }
  | { type: 'stopping'; how: 'finish' | 'abort' }
  | {
      type: 'run-end';
      run: string;
      at: string;
      status: RunStatus;
      ok: number;
      failed: number;
      skipped: number;
      blocked: number;
      notStarted: number;
    };

export interface EngineOptions {
  dir: string;
  plan: ApplyPlan;
  journal: Journal;
  executor: StepExecutor;
  concurrency: number;
  mode?: 'apply' | 'rebuild';
  /** Recorded in the run-start record, so `--resume` can repeat the selection. */
  selection?: string[];
  resumeOf?: string;
  secrets?: SecretProvider;
  confirm?: (step: Step, run: Extract<Executor, { kind: 'manual' }>) => Promise<boolean>;
  onEvent?: (e: ApplyEvent) => void;
  /** Duration estimates by step id (last durations from the journal by default). */
  estimate?: (step: Step) => number;
  /** Run id; generated from the clock when absent. */
  runId?: string;
}

export interface ApplyHandle {
  /** `finish`: start nothing new, let running steps end. `abort`: also stop the running steps now. */
  stop(how: 'finish' | 'abort'): void;
  done: Promise<Extract<ApplyEvent, { type: 'run-end' }>>;
}

export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}

/** A step id as a file name: `network/firewall` → `network__firewall.log`. */
export function logName(id: string): string {
  return `${id.replace(/\//g, '__')}.log`;
}

function openLog(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const s = createWriteStream(path, { flags: 'a', mode: 0o600 });
    s.once('open', () => resolve(s));
    s.once('error', reject);
  });
}

function closeLog(s: WriteStream): Promise<void> {
  return new Promise((resolve) => s.end(resolve));
}

/** Starts the run; returns at once with a handle to stop it and a promise of its end. */
export function startApply(opts: EngineOptions): ApplyHandle {
  const run = opts.runId ?? newRunId();
  const emit = opts.onEvent ?? (() => {});
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one listener per running step
  let stopping: 'finish' | 'abort' | undefined;
  const stop = (how: 'finish' | 'abort') => {
    if (stopping === 'abort' || stopping === how) return;
    stopping = how;
    emit({ type: 'stopping', how });
    if (how === 'abort') abort.abort();
  };

  const done = (async () => {
    const { plan, journal } = opts;
    const toRun = plan.steps.filter((p) => p.decision.action === 'run');
    const upToDate = new Set(plan.steps.filter((p) => p.decision.action === 'skip').map((p) => p.step.id));
    const byId = new Map(plan.steps.map((p) => [p.step.id, p]));
    const logDir = join(LOGS_DIR, run);
    if (toRun.length > 0) mkdirSync(join(opts.dir, logDir), { recursive: true, mode: 0o700 });
    await journal.append({
      type: 'run-start',
      run,
      mode: opts.mode ?? 'apply',
      selection: opts.selection ?? [],
      ...(opts.resumeOf ? { resumeOf: opts.resumeOf } : {}),
      steps: plan.steps.map((p) => p.step.id),
    });
    emit({
      type: 'run-start',
      run,
      at: new Date().toISOString(),
      steps: plan.steps.length,
      toRun: toRun.length,
    });
    for (const p of plan.steps) {
      if (p.decision.action === 'skip') emit({ type: 'step-skip', id: p.step.id, reason: p.decision.reason });
    }
    const lastDurations = new Map<string, number>();
    for (const r of journal.records) if (r.type === 'step-end') lastDurations.set(r.id, r.durationMs);

    const runStep = async (step: Step): Promise<boolean> => {
      const planned = byId.get(step.id)!;
      const log = join(logDir, logName(step.id));
      const base = {
        run,
        id: step.id,
        inputHash: planned.inputs.hash,
        inputs: planned.inputs.files,
        target: planned.inputs.target,
        hosts: step.hosts,
        executor: `${opts.executor.name}:${step.run.kind}`,
        log,
      };
      // The start record is on disk before the step acts; the log file opens meanwhile.
      const [, sink] = await Promise.all([
        journal.append({ type: 'step-start', ...base }),
        openLog(join(opts.dir, log)),
      ]);
      const at = new Date().toISOString();
      emit({ type: 'step-start', id: step.id, at, hosts: step.hosts, reason: planned.decision.reason, log });
      const t0 = performance.now();
      let outcome: StepOutcome;
      let material: SecretMaterial | undefined;
      try {
        sink.write(
          `# ${step.id}: ${step.title}\n# run ${run}, started ${at}, why: ${planned.decision.reason}\n`,
        );
        if (step.secrets?.length) {
          if (!opts.secrets)
            throw new Error(`needs secrets (${step.secrets.join(', ')}) but none are available`);
          material = await opts.secrets(step.secrets);
        }
        outcome = await opts.executor.run({
          step,
          dir: opts.dir,
          log: sink,
          env: material?.env ?? {},
          signal: abort.signal,
          confirm: opts.confirm ?? (async () => false),
        });
      } catch (err) {
        outcome = { ok: false, exitCode: null, error: (err as Error).message.split('\n')[0] };
      } finally {
        await material?.cleanup();
      }
      const status: StepStatus = outcome.ok ? 'ok' : abort.signal.aborted ? 'aborted' : 'failed';
      const durationMs = Math.round(performance.now() - t0);
      sink.write(`# ${status}${outcome.error ? `: ${outcome.error}` : ''} after ${durationMs} ms\n`);
      const closed = closeLog(sink);
      await journal.append({
        type: 'step-end',
        ...base,
        status,
        exitCode: outcome.exitCode,
        durationMs,
        ...(outcome.error ? { error: outcome.error } : {}),
      });
      await closed;
      emit({
        type: 'step-end',
        id: step.id,
        at: new Date().toISOString(),
        status,
        durationMs,
        ...(outcome.error ? { error: outcome.error } : {}),
        log,
      });
      return outcome.ok;
    };

    const result = await schedule({
      graph: plan.graph,
      concurrency: opts.concurrency,
      done: upToDate,
      estimate: opts.estimate ?? ((s) => lastDurations.get(s.id) ?? 1000),
      run: runStep,
      mayStart: () => stopping === undefined,
      onBlocked: (s, cause) => emit({ type: 'step-blocked', id: s.id, cause }),
    });
    const status: RunStatus =
      stopping !== undefined && result.notStarted.length + result.failed.length > 0
        ? 'interrupted'
        : result.failed.length > 0
          ? 'failed'
          : 'done';
    const counts = {
      ok: result.ok.length,
      failed: result.failed.length,
      skipped: upToDate.size,
      blocked: result.blocked.size,
    };
    await journal.append({ type: 'run-end', run, status, ...counts });
    const end = {
      type: 'run-end' as const,
      run,
      at: new Date().toISOString(),
      status,
      ...counts,
      notStarted: result.notStarted.length,
    };
    emit(end);
    return end;
  })();
  return { stop, done };
}
