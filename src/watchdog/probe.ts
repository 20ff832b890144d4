// The watchdog's probe runner: the shared probes of src/probe (TCP, HTTP(S), TLS, and ping's argv), with
// ICMP run through run-program.ts instead of execa. A probe never throws: an unexpected failure is a down
// result with the reason, exactly as runProbe does for `beelab status`.

import { probeHttp } from '../probe/http.ts';
import { pingArgs } from '../probe/icmp.ts';
import type { ProbeRunner } from '../probe/run-probe.ts';
import { probeTcp } from '../probe/tcp.ts';
import { probeTls } from '../probe/tls.ts';
import type { IcmpProbe, ProbeOptions, ProbeResult } from '../probe/types.ts';
import { runProgram } from './run-program.ts';

export const watchdogProbe: ProbeRunner = async (spec, opts) => {
  try {
    switch (spec.kind) {
      case 'icmp':
        return await probePing(spec, opts);
      case 'tcp':
        return await probeTcp(spec, opts);
      case 'http':
        return await probeHttp(spec, opts);
      case 'tls':
        return await probeTls(spec, opts);
    }
  } catch (err) {
    return { state: 'down', ms: 0, detail: err instanceof Error ? err.message : String(err) };
  }
};

/** ICMP echo through the system `ping`: the argv, deadline and result texts of src/probe/icmp.ts. */
export async function probePing(spec: IcmpProbe, opts: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const res = await runProgram('ping', pingArgs(spec.host, opts.timeoutMs), {
    timeoutMs: opts.timeoutMs + 1000,
    env: { LC_ALL: 'C' },
  });
  const ms = performance.now() - started;
  if (res.exitCode === 0) {
    const rtt = /= ([\d.]+)\//.exec(res.stdout)?.[1];
    return { state: 'up', ms, detail: rtt ? `rtt ${rtt} ms` : 'reply' };
  }
  if (res.spawnError?.code === 'ENOENT') {
    return { state: 'down', ms, detail: 'ping not installed (apt-get install iputils-ping)' };
  }
  if (res.timedOut) return { state: 'down', ms, detail: 'timeout' };
  const err = res.stderr
    .split('\n')
    .find((l) => l.trim())
    ?.trim();
  return { state: 'down', ms, detail: err ? err.replace(/^ping: /, '') : 'no reply' };
}
