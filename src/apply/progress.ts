// Progress: a live line per running step and an overall bar on a terminal; timestamped lines otherwise; JSON events.
import { bar } from '../kernel/progress.ts';
import type { ApplyEvent } from './engine.ts';

export interface Reporter {
  event(e: ApplyEvent): void;
  /** Clears the live lines while something else (a prompt) owns the terminal. */
  pause(): void;
  resume(): void;
  close(): void;
}

type Out = { write(s: string): unknown };

/** `--json`: one event per line. */
export function jsonReporter(out: Out): Reporter {
  return {
    event: (e) => out.write(`${JSON.stringify(e)}\n`),
    pause() {},
    resume() {},
    close() {},
  };
}

function line(e: ApplyEvent): string | undefined {
  switch (e.type) {
    case 'run-start':
      return `apply ${e.run}: ${e.toRun} of ${e.steps} steps to run`;
    case 'step-start':
      return `start   ${e.id} (${e.reason})`;
    case 'step-end':
      return `${e.status === 'ok' ? 'ok     ' : e.status === 'failed' ? 'FAILED ' : 'aborted'} ${e.id} ${(e.durationMs / 1000).toFixed(1)}s${e.error ? `: ${e.error}` : ''}${e.status === 'ok' ? '' : ` (log ${e.log})`}`;
    case 'step-blocked':
      return `blocked ${e.id} (after failed ${e.cause})`;
    case 'step-skip':
      return undefined;
    case 'stopping':
      return e.how === 'finish'
        ? 'stopping: letting running steps finish, starting nothing new (Ctrl-C again aborts them)'
        : 'aborting running steps';
    case 'run-end':
      return `${e.status}: ${e.ok} ok, ${e.failed} failed, ${e.blocked} blocked, ${e.skipped} up to date, ${e.notStarted} not started`;
  }
}

/** Plain lines with an ISO timestamp: logs, CI, pipes. */
export function plainReporter(out: Out, now: () => Date = () => new Date()): Reporter {
  return {
    event(e) {
      const l = line(e);
      if (l) out.write(`${now().toISOString()} ${l}\n`);
    },
    pause() {},
    resume() {},
    close() {},
  };
}

/** A terminal: finished steps scroll above; below them one live line per running step and the bar. */
export function ttyReporter(out: Out, columns = () => process.stdout.columns ?? 100): Reporter {
  const running = new Map<string, number>();
  let total = 0;
  let finished = 0;
  let failed = 0;
  let drawn = 0;
  let paused = false;
  const clear = () => {
    if (drawn > 0) out.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = () => {
    if (paused) return;
    clear();
    const w = Math.max(20, columns() - 1);
    const rows = [...running.entries()].map(([id, t0]) =>
      `  ⟳ ${id}  ${((performance.now() - t0) / 1000).toFixed(1)}s`.slice(0, w),
    );
    rows.push(
      `${bar(finished, total)} ${finished}/${total} steps${failed ? `, ${failed} failed` : ''}, ${running.size} running`,
    );
    out.write(`${rows.join('\n')}\n`);
    drawn = rows.length;
  };
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    event(e) {
      if (e.type === 'run-start') total = e.toRun;
      if (e.type === 'step-start') running.set(e.id, performance.now());
      if (e.type === 'step-end') {
        running.delete(e.id);
        finished++;
        if (e.status !== 'ok') failed++;
      }
      if (e.type === 'step-blocked') {
        finished++;
      }
      const l = line(e);
      if (l && e.type !== 'step-start') {
        clear();
        out.write(`${l}\n`);
      }
      if (e.type === 'run-end') clearInterval(timer);
      else draw();
    },
    pause() {
      clear();
      paused = true;
    },
    resume() {
      paused = false;
      draw();
    },
    close() {
      clearInterval(timer);
      clear();
    },
  };
}
