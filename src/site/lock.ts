// beelab.lock.yaml: every allocation by a stable key, so an existing key never changes value.
import { z } from 'zod';

export const lockSchema = z.strictObject({
  version: z.literal(1),
  /** vlan/<name> → CIDR */
  subnets: z.record(z.string(), z.string()).default({}),
  /** host/<name>, vip/<name> → IPv4 */
  addresses: z.record(z.string(), z.string()).default({}),
  /** vm/<name> → Proxmox VM id */
  vmids: z.record(z.string(), z.number().int()).default({}),
  /** vm/<name> → MAC */
  macs: z.record(z.string(), z.string()).default({}),
  /** vm/<name> → Proxmox VE node it was placed on */
  placements: z.record(z.string(), z.string()).default({}),
});

export type Lock = z.infer<typeof lockSchema>;

export function emptyLock(): Lock {
  return { version: 1, subnets: {}, addresses: {}, vmids: {}, macs: {}, placements: {} };
}

type Table = 'subnets' | 'addresses' | 'vmids' | 'macs' | 'placements';

/**
 * Hands out allocations. Keys already in the old lock keep their value; keys not asked for
 * this time are dropped from the new lock (their values become free again).
 */
export class LockBook {
  readonly #old: Lock;
  readonly #next: Lock = emptyLock();

  constructor(old: Lock | undefined) {
    this.#old = old ?? emptyLock();
  }

  /** The locked value for a key, if the previous lock had one. */
  previous<T extends Table>(table: T, key: string): Lock[T][string] | undefined {
    return this.#old[table][key] as Lock[T][string] | undefined;
  }

  /** Every value the previous lock held in a table, so new allocations avoid them. */
  previousValues<T extends Table>(table: T): Lock[T][string][] {
    return Object.values(this.#old[table]) as Lock[T][string][];
  }

  record<T extends Table>(table: T, key: string, value: Lock[T][string]): void {
    (this.#next[table] as Record<string, unknown>)[key] = value;
  }

  /** The new lock with sorted keys, so unchanged allocations give the same bytes. */
  result(): Lock {
    const sort = <V>(r: Record<string, V>): Record<string, V> =>
      Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return {
      version: 1,
      subnets: sort(this.#next.subnets),
      addresses: sort(this.#next.addresses),
      vmids: sort(this.#next.vmids),
      macs: sort(this.#next.macs),
      placements: sort(this.#next.placements),
    };
  }
}
