// Structured JSON logs, one object per line; callers pass fields, never prompt text or keys.
import type { Writable } from 'node:stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A JSON-lines logger. */
export interface Logger {
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(out: Writable, level: LogLevel, now: () => number = Date.now): Logger {
  const min = RANK[level];
  return {
    enabled: (l) => RANK[l] >= min,
    log(l, msg, fields) {
      if (RANK[l] < min) return;
      out.write(`${JSON.stringify({ time: new Date(now()).toISOString(), level: l, msg, ...fields })}\n`);
    },
  };
}
