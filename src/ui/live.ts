// Live status for the dashboard: the status engine run in rounds, each round's results pushed to whoever
// listens (the server-sent event streams). Nothing is probed when the site is not reachable from here.
import { describeProbe } from '../probe/describe.ts';
import type { ProbeRunner } from '../probe/run-probe.ts';
import { checkAll } from '../status/engine.ts';
import type { StatusTarget } from '../status/types.ts';
import type { Reach } from './reach.ts';

export interface StatusRow {
  name: string;
  group: string;
  check: string;
  state: 'up' | 'warn' | 'down' | 'pending';
  detail: string;
  ms: number;
}

export interface StatusSnapshot {
  reachable: boolean;
  why: string;
  /** Completed rounds; 0 before the first. */
  round: number;
  /** ISO time of the last completed round. */
  at?: string;
  rows: StatusRow[];
}

export interface LiveOptions {
  targets: StatusTarget[];
  reach: Reach;
  intervalMs: number;
  timeoutMs: number;
  concurrency?: number;
  probe?: ProbeRunner;
}

export class LiveStatus {
  #snapshot: StatusSnapshot;
  #listeners = new Set<(s: StatusSnapshot) => void>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly opts: LiveOptions) {
    this.#snapshot = {
      reachable: opts.reach.reachable,
      why: opts.reach.why,
      round: 0,
      rows: opts.reach.reachable
        ? opts.targets.map((t) => ({
            name: t.name,
            group: t.group ?? '',
            check: describeProbe(t.probe),
            state: 'pending' as const,
            detail: 'first round under way',
            ms: 0,
          }))
        : [],
    };
  }

  snapshot(): StatusSnapshot {
    return this.#snapshot;
  }

  /** Calls `listener` on every completed round; returns the unsubscribe. */
  subscribe(listener: (s: StatusSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts the rounds (none when not reachable). */
  start(): void {
    if (this.opts.reach.reachable) void this.#round();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  async #round(): Promise<void> {
    if (this.#stopped) return;
    const results = await checkAll(this.opts.targets, {
      timeoutMs: this.opts.timeoutMs,
      ...(this.opts.concurrency ? { concurrency: this.opts.concurrency } : {}),
      ...(this.opts.probe ? { probe: this.opts.probe } : {}),
    });
    if (this.#stopped) return;
    this.#snapshot = {
      ...this.#snapshot,
      round: this.#snapshot.round + 1,
      at: new Date().toISOString(),
      rows: results.map((r) => ({
        name: r.target.name,
        group: r.target.group ?? '',
        check: describeProbe(r.target.probe),
        state: r.state,
        detail: r.detail,
        ms: Math.round(r.ms),
      })),
    };
    for (const l of this.#listeners) l(this.#snapshot);
    this.#timer = setTimeout(() => void this.#round(), this.opts.intervalMs);
  }
}
