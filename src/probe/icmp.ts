// ICMP echo through the system `ping` (iputils): one packet, bounded by the check's deadline.
import { execa } from 'execa';
import type { IcmpProbe, ProbeOptions, ProbeResult } from './types.ts';

/** The exact argv we run; exported so tests and docs show it. `-n` avoids reverse DNS stalls. */
export function pingArgs(host: string, timeoutMs: number): string[] {
  // -W takes fractional seconds in iputils >= 20210202 (Debian 12 ships 20221126).
  const seconds = String(Math.max(0.1, Math.round(timeoutMs / 100) / 10));
  return ['-n', '-q', '-c', '1', '-W', seconds, host];
}

export async function probeIcmp(spec: IcmpProbe, opts: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const res = await execa('ping', pingArgs(spec.host, opts.timeoutMs), {
    reject: false,
    timeout: opts.timeoutMs + 1000,
    stdin: 'ignore',
    env: { LC_ALL: 'C' },
  });
  const ms = performance.now() - started;
  if (res.exitCode === 0) {
    const rtt = /= ([\d.]+)\//.exec(res.stdout)?.[1];
    return { state: 'up', ms, detail: rtt ? `rtt ${rtt} ms` : 'reply' };
  }
  if (res.failed && res.code === 'ENOENT') {
    return { state: 'down', ms, detail: 'ping not installed (apt-get install iputils-ping)' };
  }
  if (res.timedOut) return { state: 'down', ms, detail: 'timeout' };
  const err = res.stderr
    .split('\n')
    .find((l) => l.trim())
    ?.trim();
  return { state: 'down', ms, detail: err ? err.replace(/^ping: /, '') : 'no reply' };
}
