// Names of a lab run: every namespace starts with the prefix and a short run id, so leftovers are easy to find.
import { randomBytes } from 'node:crypto';

/** Every lab namespace starts with this; `lab down` removes whatever carries it. */
export const LAB_PREFIX = 'bllab-';

/** Fixed addresses of the lab's stand-in for the internet (documentation ranges, never routed anywhere real). */
export const LAB_WAN = {
  /** The ISP side of the uplink. */
  isp: '192.0.2.1',
  /** The router's uplink address (a real router gets one by DHCP). */
  router: '192.0.2.2',
  prefix: 24,
  /** A server "on the internet" that egress checks connect to. */
  server: '203.0.113.10',
} as const;

export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

/** The namespaces of one run. */
export interface LabNames {
  id: string;
  router: string;
  switch: string;
  inet: string;
  dhcp: string;
  /** One per VLAN, by zone name. */
  vlan(tag: number): string;
  /** One per lab machine (`--machines`), numbered from 1. */
  machine(n: number): string;
}

export function labNames(id: string): LabNames {
  if (!/^[0-9a-f]{6}$/.test(id)) throw new Error(`lab run id ${id} is not 6 hex digits`);
  const p = `${LAB_PREFIX}${id}-`;
  return {
    id,
    router: `${p}router`,
    switch: `${p}switch`,
    inet: `${p}inet`,
    dhcp: `${p}dhcp`,
    vlan: (tag) => `${p}v${tag}`,
    machine: (n) => `${p}m${n}`,
  };
}
