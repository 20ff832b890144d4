// The watchdog's probe runner: the shared probes of src/probe, with ICMP run through run-program.ts instead
// of execa (the Pi bundle stays small). A probe never throws: see src/probe/dispatch.ts.
import { probeRunner } from '../probe/dispatch.ts';
import { pingArgs, pingResult } from '../probe/ping.ts';
import type { IcmpProbe, ProbeOptions, ProbeResult } from '../probe/types.ts';
import { runProgram } from './run-program.ts';

/** ICMP echo through the system `ping`: the argv and result texts of src/probe/ping.ts. */
export async function probePing(spec: IcmpProbe, opts: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const res = await runProgram('ping', pingArgs(spec.host, opts.timeoutMs), {
    timeoutMs: opts.timeoutMs + 1000,
    env: { LC_ALL: 'C' },
  });
  return pingResult(
    {
      exitCode: res.exitCode,
      stdout: res.stdout,
      stderr: res.stderr,
      notInstalled: res.spawnError?.code === 'ENOENT',
      timedOut: res.timedOut,
    },
    performance.now() - started,
  );
}

export const watchdogProbe = probeRunner(probePing);
