// The probe runner `beelab status` uses: the shared dispatch with ICMP through execa.
import { type ProbeRunner, probeRunner } from './dispatch.ts';
import { probeIcmp } from './icmp.ts';

export type { ProbeRunner } from './dispatch.ts';

export const runProbe: ProbeRunner = probeRunner(probeIcmp);
