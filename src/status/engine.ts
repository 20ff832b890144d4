// The probe engine: every target checked once, with bounded concurrency and a deadline per check.
import pLimit from 'p-limit';
import { type ProbeRunner, runProbe } from '../probe/run-probe.ts';
import type { StatusResult, StatusTarget } from './types.ts';

/** Engine limits. */
export interface EngineOptions {
  /** Checks in flight at once; default 128. */
  concurrency?: number;
  /** ICMP checks each spawn `ping`, so they get their own, smaller limit; default 32. */
  icmpConcurrency?: number;
  /** Deadline per check, ms; default 2000. */
  timeoutMs?: number;
  probe?: ProbeRunner;
  /** Each result as it is known (progress). */
  onResult?: (r: StatusResult) => void;
}

/** Results come back in the order of `targets`. */
export async function checkAll(targets: StatusTarget[], opts: EngineOptions = {}): Promise<StatusResult[]> {
  const all = pLimit(opts.concurrency ?? 128);
  const icmp = pLimit(opts.icmpConcurrency ?? 32);
  const probe = opts.probe ?? runProbe;
  const timeoutMs = opts.timeoutMs ?? 2000;
  return Promise.all(
    targets.map((target) => {
      const run = () => all(() => probe(target.probe, { timeoutMs }));
      const p = target.probe.kind === 'icmp' ? icmp(run) : run();
      return p.then((r) => {
        const result = { ...r, target };
        opts.onResult?.(result);
        return result;
      });
    }),
  );
}

/** Counts per state. */
export function summarize(results: StatusResult[]): { up: number; warn: number; down: number } {
  const out = { up: 0, warn: 0, down: 0 };
  for (const r of results) out[r.state]++;
  return out;
}
