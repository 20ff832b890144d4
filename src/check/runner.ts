// Runs validators in parallel with bounded concurrency and a timeout each, and folds everything into one report.

import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import pLimit from 'p-limit';
import type { Diagnostic } from '../kernel/diagnostic.ts';
import { createFileSource } from './file-source.ts';
import { findTool } from './tool-path.ts';
import type { FileSource, Validator, ValidatorResult } from './validator.ts';

export interface RunChecksOptions {
  /** The site directory; tools run with it as cwd. */
  dir: string;
  /** Site-relative POSIX paths of every file in the site (see collectFiles). */
  files: string[];
  validators: Validator[];
  /** Internal rule results, already computed over the Site; shown as the first row, id `rules`. */
  rules?: Diagnostic[];
  /** How long the rules took, for the table. */
  rulesDurationMs?: number;
  /** How many validators run at once; default: the number of cores. */
  concurrency?: number;
  /** Per-validator limit unless the validator sets its own; one still running is aborted and fails. Default 120 s. */
  timeoutMs?: number;
  /** CI mode: a skipped validator (missing tool) is a failure. */
  strict?: boolean;
  /** Called as each result is known, e.g. for progress output. */
  onResult?: (result: ValidatorResult) => void;
  /** Called when a validator's tool starts (not for those skipped or not applicable). */
  onStart?: (validator: Validator) => void;
  /** Tool lookup; tests and callers may narrow PATH. Default: process.env.PATH. */
  path?: string;
}

export interface CheckTotals {
  errors: number;
  warnings: number;
  infos: number;
  passed: number;
  failed: number;
  skipped: number;
  notApplicable: number;
}

export interface CheckReport {
  /** True when no result failed. Under --strict a skip is a failure. */
  ok: boolean;
  strict: boolean;
  dir: string;
  /** Rules first (when given), then validators in the order passed, whatever order they finished in. */
  results: ValidatorResult[];
  totals: CheckTotals;
  durationMs: number;
}

export const DEFAULT_TIMEOUT_MS = 120_000;

export async function runChecks(opts: RunChecksOptions): Promise<CheckReport> {
  const started = performance.now();
  const dir = resolve(opts.dir);
  const strict = opts.strict ?? false;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  const source = createFileSource(dir);
  const emit = (r: ValidatorResult): ValidatorResult => {
    opts.onResult?.(r);
    return r;
  };

  const results: ValidatorResult[] = [];
  if (opts.rules) {
    results.push(emit(rulesResult(opts.rules, Math.round(opts.rulesDurationMs ?? 0))));
  }

  // Decide applicability and tool presence up front (cheap, synchronous); only real runs go to the pool.
  const slots: (ValidatorResult | undefined)[] = [];
  const queue: { index: number; validator: Validator; files: string[]; toolPath?: string }[] = [];
  opts.validators.forEach((v, index) => {
    let files: string[];
    try {
      files = v.applies(opts.files, source);
    } catch (err) {
      slots[index] = emit(crashResult(v, 0, 0, 'applies', err));
      return;
    }
    if (files.length === 0) {
      slots[index] = emit(base(v, 'not-applicable', 0, [], 0, 'no file to check'));
      return;
    }
    let toolPath: string | undefined;
    if (v.tool) {
      toolPath = findTool(v.tool.command, opts.path);
      if (!toolPath) {
        slots[index] = emit(skipResult(v, files.length, strict));
        return;
      }
    }
    queue.push({ index, validator: v, files, toolPath });
  });

  const limit = pLimit(Math.max(1, concurrency));
  await Promise.all(
    queue.map((job) =>
      limit(async () => {
        const deadline = job.validator.timeoutMs ?? timeoutMs;
        opts.onStart?.(job.validator);
        slots[job.index] = emit(await runOne(job.validator, job.files, job.toolPath, source, deadline));
      }),
    ),
  );

  for (const r of slots) if (r) results.push(r);
  return {
    ok: results.every((r) => r.status !== 'failed'),
    strict,
    dir,
    results,
    totals: totalsOf(results),
    durationMs: Math.round(performance.now() - started),
  };
}

async function runOne(
  v: Validator,
  files: string[],
  toolPath: string | undefined,
  source: FileSource,
  timeoutMs: number,
): Promise<ValidatorResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((res) => {
    timer = setTimeout(() => res('timeout'), timeoutMs);
  });
  const ctx = {
    dir: source.dir,
    read: source.read,
    firstLine: source.firstLine,
    files,
    toolPath,
    signal: controller.signal,
  };
  try {
    const outcome = await Promise.race([v.run(ctx), timedOut]);
    if (outcome === 'timeout') {
      const reason = `timed out after ${formatMs(timeoutMs)}`;
      const d: Diagnostic = {
        code: 'check/timeout',
        severity: 'error',
        message: `${v.title} did not finish: ${reason}; its processes were stopped`,
        hint: 'a tool that hangs usually waits for input or the network; run it by hand in the site directory',
      };
      return base(v, 'failed', files.length, [d], elapsed(), reason);
    }
    const diagnostics = sortDiagnostics(outcome);
    const failed = diagnostics.some((d) => d.severity === 'error');
    return base(v, failed ? 'failed' : 'passed', files.length, diagnostics, elapsed());
  } catch (err) {
    return crashResult(v, files.length, elapsed(), 'run', err);
  } finally {
    clearTimeout(timer);
    // Kills any child process still running (timeout) and lets a late-finishing run settle quietly.
    controller.abort();
  }
}

function base(
  v: Pick<Validator, 'id' | 'title'>,
  status: ValidatorResult['status'],
  files: number,
  diagnostics: Diagnostic[],
  durationMs: number,
  reason?: string,
): ValidatorResult {
  const r: ValidatorResult = { id: v.id, title: v.title, status, files, diagnostics, durationMs };
  if (reason !== undefined) r.reason = reason;
  return r;
}

function rulesResult(rules: Diagnostic[], durationMs: number): ValidatorResult {
  const diagnostics = sortDiagnostics(rules);
  const failed = diagnostics.some((d) => d.severity === 'error');
  return base(
    { id: 'rules', title: 'Beelab rules' },
    failed ? 'failed' : 'passed',
    0,
    diagnostics,
    durationMs,
  );
}

function skipResult(v: Validator, files: number, strict: boolean): ValidatorResult {
  const tool = v.tool!;
  const reason = `${tool.command} not found; install: ${tool.installHint}`;
  if (!strict) return base(v, 'skipped', files, [], 0, reason);
  const d: Diagnostic = {
    code: 'check/skipped',
    severity: 'error',
    message: `${v.title} could not run: ${tool.command} not found, and --strict turns a skip into a failure`,
    hint: `install it: ${tool.installHint}`,
  };
  return base(v, 'failed', files, [d], 0, reason);
}

function crashResult(
  v: Validator,
  files: number,
  durationMs: number,
  phase: string,
  err: unknown,
): ValidatorResult {
  const msg = err instanceof Error ? err.message : String(err);
  const d: Diagnostic = {
    code: 'check/crash',
    severity: 'error',
    message: `${v.title} crashed in ${phase}: ${msg}`,
    hint: 'this is a bug in the validator or an unexpected tool output; the files were not checked',
  };
  return base(v, 'failed', files, [d], durationMs, `crashed: ${msg.split('\n', 1)[0]}`);
}

/** File, line, column, code; diagnostics without a location come first. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) =>
    [d.location?.file ?? '', d.location?.line ?? 0, d.location?.col ?? 0] as const;
  return [...ds].sort((a, b) => {
    const [fa, la, ca] = key(a);
    const [fb, lb, cb] = key(b);
    if (fa !== fb) return fa < fb ? -1 : 1;
    if (la !== lb) return la - lb;
    if (ca !== cb) return ca - cb;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}

function totalsOf(results: ValidatorResult[]): CheckTotals {
  const t: CheckTotals = {
    errors: 0,
    warnings: 0,
    infos: 0,
    passed: 0,
    failed: 0,
    skipped: 0,
    notApplicable: 0,
  };
  for (const r of results) {
    for (const d of r.diagnostics) {
      if (d.severity === 'error') t.errors++;
      else if (d.severity === 'warning') t.warnings++;
      else t.infos++;
    }
    if (r.status === 'passed') t.passed++;
    else if (r.status === 'failed') t.failed++;
    else if (r.status === 'skipped') t.skipped++;
    else t.notApplicable++;
  }
  return t;
}

/** `850ms`, `1.3s`, `2m05s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
