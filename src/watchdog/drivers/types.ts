// The power-driver contract and the transports drivers are given (injectable for tests).
import type { HttpClient } from '../http-client.ts';
import type { Sleep } from '../retry.ts';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell; never throws for a non-zero exit. */
export type Exec = (
  file: string,
  args: string[],
  opts: { timeoutMs: number; env?: Record<string, string> },
) => Promise<ExecResult>;

/** What every driver is handed. `retry` wraps one idempotent device call in the configured retries. */
export interface DriverDeps {
  http: HttpClient;
  exec: Exec;
  sleep: Sleep;
  retry: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
  /** Extra wait after the hold time before reading the device back; default SETTLE_MS. */
  settleMs?: number;
}

/** Cuts power to one machine and makes sure it comes back. */
export interface PowerDriver {
  /** e.g. "shelly-gen2 http://10.20.0.50 switch 0". */
  label: string;
  /** How long power stays off; boot grace starts after it. */
  holdMs: number;
  /** Resolves with a one-line account once power is confirmed back; throws when any step is not confirmed. */
  cycle(): Promise<string>;
  /** Drives the output to its powered state (run at start so a crash mid-cycle cannot leave a host off). */
  ensureOn?(): Promise<void>;
}

/** Extra wait after the hold time before reading the device back. */
export const SETTLE_MS = 1500;
