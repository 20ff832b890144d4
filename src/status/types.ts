// What `beelab status` checks and what it reports.
import type { ProbeResult, ProbeSpec } from '../probe/types.ts';

/** One check of one endpoint, with the name a human reads in the table. */
export interface StatusTarget {
  /** e.g. "pve1" for a host, "grafana@monitor" for a service on a host. */
  name: string;
  /** host, service, health, tls: lets tables and scripts filter. */
  group?: string;
  probe: ProbeSpec;
}

/** A target and what its probe saw. */
export interface StatusResult extends ProbeResult {
  target: StatusTarget;
}
