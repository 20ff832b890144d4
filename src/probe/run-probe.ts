// Dispatches one probe spec to its implementation; the single entry point watchdog and status call.
import { probeHttp } from './http.ts';
import { probeIcmp } from './icmp.ts';
import { probeTcp } from './tcp.ts';
import { probeTls } from './tls.ts';
import type { ProbeOptions, ProbeResult, ProbeSpec } from './types.ts';

/** Signature of a probe runner, injectable where tests want a scripted network. */
export type ProbeRunner = (spec: ProbeSpec, opts: ProbeOptions) => Promise<ProbeResult>;

export const runProbe: ProbeRunner = async (spec, opts) => {
  try {
    switch (spec.kind) {
      case 'icmp':
        return await probeIcmp(spec, opts);
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
