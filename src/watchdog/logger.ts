// Structured logs: one JSON object per line on stdout (journald keeps them; jq reads them).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Log sink; `fields` are merged into the JSON line. */
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(
  min: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(l),
  now: () => number = Date.now,
): Logger {
  return (level, msg, fields) => {
    if (RANK[level] < RANK[min]) return;
    write(`${JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...fields })}\n`);
  };
}
