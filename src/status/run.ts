// `beelab status`: load targets (a rendered site or a YAML list), probe them, print a table or JSON.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitError, UserError } from '../errors.ts';
import { DURATION_HINT, type DurationBounds, durationProblem, parseDuration } from '../kernel/duration.ts';
import { createProgress } from '../kernel/progress.ts';
import { describeProbe } from '../probe/describe.ts';
import { checkAll, summarize } from './engine.ts';
import { renderJson, renderTable } from './table.ts';
import { loadTargetsFile } from './targets-file.ts';
import type { StatusTarget } from './types.ts';

export interface StatusOptions {
  dir?: string;
  targets?: string;
  json?: boolean;
  watch?: boolean;
  interval: string;
  timeout: string;
  concurrency: string;
  list?: boolean;
}

function ms(flag: string, value: string, bounds: DurationBounds): number {
  const v = parseDuration(value);
  if (v === undefined) throw new UserError(`${flag} ${value} is not a duration; ${DURATION_HINT}`);
  const problem = durationProblem(v, bounds);
  if (problem) throw new UserError(`${flag} ${value} ${problem}`);
  return v;
}

async function loadTargets(opts: StatusOptions): Promise<StatusTarget[]> {
  if (opts.targets) return loadTargetsFile(opts.targets);
  const dir = opts.dir ?? '.';
  if (!existsSync(join(dir, 'beelab.yaml'))) {
    throw new UserError(`${join(dir, 'beelab.yaml')} not found`, [
      'Run beelab status in a site directory, pass it (beelab status path/to/site), or give --targets FILE.',
    ]);
  }
  const [{ loadSite }, { targetsFromSite }] = await Promise.all([
    import('../project/load.ts'),
    import('./from-site.ts'),
  ]);
  return targetsFromSite(await loadSite(dir));
}

export async function runStatus(opts: StatusOptions): Promise<void> {
  const timeoutMs = ms('--timeout', opts.timeout, {
    min: 100,
    why: 'shorter deadlines time out on healthy hosts',
  });
  const intervalMs = ms('--interval', opts.interval, {
    min: 100,
    why: 'a tighter loop only loads the network',
  });
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UserError(`--concurrency ${opts.concurrency} must be a positive integer`);
  const targets = await loadTargets(opts);
  if (opts.list) {
    // Prints what would be probed and sends nothing: safe anywhere, including outside the lab.
    if (opts.json) process.stdout.write(`${JSON.stringify(targets, null, 2)}\n`);
    else for (const t of targets) process.stdout.write(`${t.name}  ${describeProbe(t.probe)}\n`);
    return;
  }
  let down = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  try {
    do {
      const started = performance.now();
      // One run shows its progress (stderr); --watch redraws the table instead.
      const progress = opts.watch
        ? undefined
        : createProgress({ label: 'status', unit: 'checks', total: targets.length, eachLine: false });
      const results = await checkAll(targets, {
        concurrency,
        timeoutMs,
        onResult: (r) => progress?.done(r.target.name, r.state),
      }).finally(() => progress?.close());
      const elapsed = performance.now() - started;
      down = summarize(results).down;
      const text = opts.json ? renderJson(results, elapsed) : renderTable(results, elapsed);
      if (opts.watch && !opts.json && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      process.stdout.write(opts.watch && !opts.json ? `${new Date().toISOString()}\n${text}` : text);
      if (opts.watch && !stopped) await sleepUnless(intervalMs, () => stopped);
    } while (opts.watch && !stopped);
  } finally {
    process.removeListener('SIGINT', stop);
  }
  if (down > 0) throw new ExitError(1);
}

async function sleepUnless(total: number, stop: () => boolean): Promise<void> {
  for (let waited = 0; waited < total && !stop(); waited += 100)
    await new Promise((r) => setTimeout(r, Math.min(100, total - waited)));
}
