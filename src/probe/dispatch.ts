// A probe runner from an ICMP implementation: TCP, HTTP(S) and TLS are the same everywhere; only how
// `ping` is spawned differs (execa for `beelab status`, node:child_process in the watchdog's bundle).
import { probeHttp } from './http.ts';
import { probeTcp } from './tcp.ts';
import { probeTls } from './tls.ts';
import type { IcmpProbe, ProbeOptions, ProbeResult, ProbeSpec } from './types.ts';

/** Signature of a probe runner, injectable where tests want a scripted network. */
export type ProbeRunner = (spec: ProbeSpec, opts: ProbeOptions) => Promise<ProbeResult>;

export function probeRunner(
  icmp: (spec: IcmpProbe, opts: ProbeOptions) => Promise<ProbeResult>,
): ProbeRunner {
  return async (spec, opts) => {
    try {
      switch (spec.kind) {
        case 'icmp':
          return await icmp(spec, opts);
        case 'tcp':
          return await probeTcp(spec, opts);
        case 'http':
          return await probeHttp(spec, opts);
        case 'tls':
          return await probeTls(spec, opts);
      }
    } catch (err) {
      // A probe never throws to its caller: an unexpected failure is a down result with the reason.
      return { state: 'down', ms: 0, detail: err instanceof Error ? err.message : String(err) };
    }
  };
}
