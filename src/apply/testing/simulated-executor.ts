// TEST DOUBLE: an executor that runs nothing. Steps "take" an injected duration and fail where told to.
// Used by the apply tests and `npm run bench:apply`; `beelab apply` never uses it.
import { appendFileSync } from 'node:fs';
import type { Step } from '../../layers/step.ts';
import type { StepExecutor, StepOutcome } from '../executor.ts';

export interface SimulatedExecutorOptions {
  /** How long each step takes, in ms (0 = resolve on the next tick). */
  durationMs?: (step: Step) => number;
  /** A step that should fail: return an error text (or true) to make it fail, false/undefined to succeed. */
  fail?: (step: Step) => string | boolean | undefined;
  /**
   * A file that gets one line `<id>` appended when a step's simulated work completes (before the engine
   * records its end): tests count these lines to prove each step's effect happened exactly once.
   */
  effectsFile?: string;
  /** Called when a step completes (after its duration), in completion order. */
  onDone?: (step: Step) => void;
}

/** The simulated executor (a test double, clearly not a real executor): honours the abort signal. */
export function simulatedExecutor(opts: SimulatedExecutorOptions = {}): StepExecutor & { ran: string[] } {
  const ran: string[] = [];
  return {
    name: 'simulated',
    ran,
    run: ({ step, log, signal }) =>
      new Promise<StepOutcome>((resolve) => {
        const finish = () => {
          signal.removeEventListener('abort', onAbort);
          const failure = opts.fail?.(step);
          if (failure) {
            log.write(`simulated failure\n`);
            resolve({ ok: false, exitCode: 1, error: typeof failure === 'string' ? failure : 'exit 1' });
            return;
          }
          if (opts.effectsFile) appendFileSync(opts.effectsFile, `${step.id}\n`);
          ran.push(step.id);
          opts.onDone?.(step);
          log.write(`simulated ok\n`);
          resolve({ ok: true, exitCode: 0 });
        };
        const onAbort = () => {
          clearTimeout(timer);
          resolve({ ok: false, exitCode: null, error: 'aborted' });
        };
        const ms = opts.durationMs?.(step) ?? 0;
        const timer = setTimeout(finish, ms);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
