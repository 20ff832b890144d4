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
  /**
   * vlan/<name> → interface slot N (opt<N> on OPNsense and pfSense), so removing or inserting a VLAN never
   * renumbers the interface assignments of the others on a live firewall. The management VLAN is `lan`.
   */
  interfaces: z.record(z.string(), z.number().int().positive()).default({}),
});

export type Lock = z.infer<typeof lockSchema>;

export function emptyLock(): Lock {
  return { version: 1, subnets: {}, addresses: {}, vmids: {}, macs: {}, placements: {}, interfaces: {} };
}

type Table = 'subnets' | 'addresses' | 'vmids' | 'macs' | 'placements' | 'interfaces';

/** One allocation whose value differs from the previous lock's. */
export interface LockChange {
  table: Table;
  key: string;
  from: string | number;
  to: string | number;
}

/** Tables whose values must be unique across keys: two keys with one value is a damaged or hand-edited lock. */
const UNIQUE_TABLES = ['subnets', 'addresses', 'vmids', 'macs', 'interfaces'] as const;

/** Values shared by two keys of one table, e.g. `addresses: host/a and host/b both hold 10.20.10.5`. */
export function lockConflicts(lock: Lock): string[] {
  const out: string[] = [];
  for (const table of UNIQUE_TABLES) {
    const seen = new Map<string | number, string>();
    for (const [key, value] of Object.entries(lock[table])) {
      const first = seen.get(value);
      if (first) out.push(`${table}: ${first} and ${key} both hold ${value}`);
      else seen.set(value, key);
    }
  }
  return out;
}

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

  /** Every key both locks hold with different values: what this resolve moved. */
  changes(): LockChange[] {
    const out: LockChange[] = [];
    for (const table of Object.keys(this.#next) as (Table | 'version')[]) {
      if (table === 'version') continue;
      for (const [key, to] of Object.entries(this.#next[table])) {
        const from = (this.#old[table] as Record<string, string | number>)[key];
        if (from !== undefined && from !== to) out.push({ table, key, from, to });
      }
    }
    return out.sort((a, b) => `${a.table}/${a.key}`.localeCompare(`${b.table}/${b.key}`));
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
      interfaces: sort(this.#next.interfaces),
    };
  }
}
