// What `ping` (iputils) is asked and what its answer means; shared by the execa runner (`beelab status`)
// and the watchdog's child_process runner. No process handling here.
import type { ProbeResult } from './types.ts';

/** The exact argv we run; exported so tests and docs show it. `-n` avoids reverse DNS stalls. */
export function pingArgs(host: string, timeoutMs: number): string[] {
  // -W takes fractional seconds in iputils >= 20210202 (Debian 12 ships 20221126).
  const seconds = String(Math.max(0.1, Math.round(timeoutMs / 100) / 10));
  return ['-n', '-q', '-c', '1', '-W', seconds, host];
}

/** How one ping run ended, whatever ran it. */
export interface PingRun {
  exitCode: number | undefined | null;
  stdout: string;
  stderr: string;
  /** `ping` is not on PATH (ENOENT). */
  notInstalled: boolean;
  timedOut: boolean;
}

/** The probe result of a ping run: up with its round-trip time, or down with why. */
export function pingResult(res: PingRun, ms: number): ProbeResult {
  if (res.exitCode === 0) {
    const rtt = /= ([\d.]+)\//.exec(res.stdout)?.[1];
    return { state: 'up', ms, detail: rtt ? `rtt ${rtt} ms` : 'reply' };
  }
  if (res.notInstalled)
    return { state: 'down', ms, detail: 'ping not installed (apt-get install iputils-ping)' };
  if (res.timedOut) return { state: 'down', ms, detail: 'timeout' };
  const err = res.stderr
    .split('\n')
    .find((l) => l.trim())
    ?.trim();
  return { state: 'down', ms, detail: err ? err.replace(/^ping: /, '') : 'no reply' };
}
