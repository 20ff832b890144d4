// Structured JSON logs, one object per line; callers pass fields, never prompt text or keys.
import type { Writable } from 'node:stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A JSON-lines logger. */
export interface Logger {
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
  /** Writes out anything batched (call before exit). */
  flush(): void;
}

/**
 * Lines written in the same event-loop turn go out in one write: stderr to a pipe is a
 * synchronous syscall per write on Linux, and under load there are many lines per turn.
 */
export function createLogger(out: Writable, level: LogLevel, now: () => number = Date.now): Logger {
  const min = RANK[level];
  let batch = '';
  let scheduled = false;
  let lastMs = Number.NaN;
  let lastIso = '';
  const flush = () => {
    scheduled = false;
    if (!batch) return;
    const b = batch;
    batch = '';
    out.write(b);
  };
  return {
    enabled: (l) => RANK[l] >= min,
    log(l, msg, fields) {
      if (RANK[l] < min) return;
      // Built as text: no merged copy of `fields`, and the time string is reused within a millisecond.
      const t = now();
      if (t !== lastMs) {
        lastMs = t;
        lastIso = new Date(t).toISOString();
      }
      const rest = fields ? JSON.stringify(fields) : '{}';
      batch += `{"time":"${lastIso}","level":"${l}","msg":${JSON.stringify(msg)}${rest.length > 2 ? `,${rest.slice(1)}` : '}'}\n`;
      if (batch.length > 65_536) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
