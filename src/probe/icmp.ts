// ICMP echo through the system `ping` (iputils), run with execa: one packet, bounded by the check's deadline.
import { execa } from 'execa';
import { pingArgs, pingResult } from './ping.ts';
import type { IcmpProbe, ProbeOptions, ProbeResult } from './types.ts';

export { pingArgs } from './ping.ts';

export async function probeIcmp(spec: IcmpProbe, opts: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const res = await execa('ping', pingArgs(spec.host, opts.timeoutMs), {
    reject: false,
    timeout: opts.timeoutMs + 1000,
    stdin: 'ignore',
    env: { LC_ALL: 'C' },
  });
  return pingResult(
    {
      exitCode: res.exitCode,
      stdout: res.stdout,
      stderr: res.stderr,
      notInstalled: res.failed && res.code === 'ENOENT',
      timedOut: res.timedOut,
    },
    performance.now() - started,
  );
}
