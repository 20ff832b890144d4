// Model → candidate backends, the three balancing strategies, and the bounded wait queue.

import type { Clock, TimerHandle } from '../kernel/clock.ts';
import type { Backend } from './backend.ts';
import type { GatewayConfig } from './config-schema.ts';

/** One backend that can serve a requested model, and the name that backend knows it by. */
export interface Candidate {
  backend: Backend;
  upstreamModel: string;
}

/** Outcome of asking for a backend. */
export type Pick =
  | { kind: 'ok'; candidate: Candidate }
  | { kind: 'unknown-model' }
  | { kind: 'unavailable' }
  | { kind: 'queue-full' }
  | { kind: 'queue-timeout' }
  /** The client went away while the request waited in the queue. */
  | { kind: 'cancelled' };

/** Lets the caller cancel a queued wait (the client went away). */
export interface WaitHook {
  cancelWait: (() => void) | undefined;
}

interface Waiter {
  candidates: Candidate[];
  exclude: ReadonlySet<Backend> | undefined;
  resolve: (p: Pick) => void;
  timer: TimerHandle;
}

export class Router {
  #table = new Map<string, Candidate[]>();
  #queue: Waiter[] = [];
  #rr = 0;

  constructor(
    readonly backends: readonly Backend[],
    private readonly config: GatewayConfig,
    private readonly clock: Clock,
  ) {
    this.rebuild();
  }

  get queueDepth(): number {
    return this.#queue.length;
  }

  /** Recomputes the routing table; call after models are discovered. */
  rebuild(): void {
    const table = new Map<string, Candidate[]>();
    for (const b of this.backends) {
      for (const m of b.models) {
        let list = table.get(m);
        if (!list) {
          list = [];
          table.set(m, list);
        }
        list.push({ backend: b, upstreamModel: m });
      }
    }
    for (const [alias, target] of Object.entries(this.config.aliases)) {
      const list: Candidate[] = [];
      for (const t of typeof target === 'string' ? [target] : target) {
        for (const c of table.get(t) ?? []) {
          if (!list.some((x) => x.backend === c.backend)) list.push(c);
        }
      }
      // An alias never shadows a real model name.
      if (list.length > 0 && !table.has(alias)) table.set(alias, list);
    }
    this.#table = table;
  }

  candidates(model: string): Candidate[] | undefined {
    return this.#table.get(model);
  }

  /** Every routable name: models plus aliases. */
  modelNames(): string[] {
    return [...this.#table.keys()].sort();
  }

  /**
   * Picks a candidate now, or waits in the queue for a slot. An `ok` pick holds a slot of its backend
   * until release(). While queued, `hook.cancelWait` leaves the queue (answering `cancelled`).
   */
  acquire(candidates: Candidate[], exclude?: ReadonlySet<Backend>, hook?: WaitHook): Pick | Promise<Pick> {
    const now = this.#choose(candidates, exclude);
    if (now) return now;
    if (!candidates.some((c) => c.backend.routable && !exclude?.has(c.backend)))
      return { kind: 'unavailable' };
    if (this.#queue.length >= this.config.routing.queue.max) return { kind: 'queue-full' };
    return new Promise<Pick>((resolve) => {
      const w: Waiter = {
        candidates,
        exclude,
        resolve,
        timer: this.clock.setTimer(() => {
          const i = this.#queue.indexOf(w);
          if (i >= 0) this.#queue.splice(i, 1);
          resolve({ kind: 'queue-timeout' });
        }, this.config.routing.queue.timeoutMs),
      };
      this.#queue.push(w);
      if (hook)
        hook.cancelWait = () => {
          hook.cancelWait = undefined;
          const i = this.#queue.indexOf(w);
          if (i < 0) return;
          this.#queue.splice(i, 1);
          this.clock.clearTimer(w.timer);
          resolve({ kind: 'cancelled' });
        };
    });
  }

  /** Frees a slot taken by acquire() and hands it to a waiter if one fits. */
  release(b: Backend): void {
    b.outstanding--;
    if (this.#queue.length > 0) this.drainQueue();
  }

  /** Serves waiters in arrival order while backends have room; also call after health changes. */
  drainQueue(): void {
    for (let i = 0; i < this.#queue.length; ) {
      const w = this.#queue[i]!;
      const p = this.#choose(w.candidates, w.exclude);
      if (p) {
        this.#queue.splice(i, 1);
        this.clock.clearTimer(w.timer);
        w.resolve(p);
      } else if (!w.candidates.some((c) => c.backend.routable && !w.exclude?.has(c.backend))) {
        // Every backend this waiter could use went away: fail it now instead of at the timeout.
        this.#queue.splice(i, 1);
        this.clock.clearTimer(w.timer);
        w.resolve({ kind: 'unavailable' });
      } else i++;
    }
  }

  /** Fails every waiter (shutdown). */
  rejectAll(): void {
    for (const w of this.#queue.splice(0)) {
      this.clock.clearTimer(w.timer);
      w.resolve({ kind: 'unavailable' });
    }
  }

  #choose(candidates: Candidate[], exclude: ReadonlySet<Backend> | undefined): Pick | undefined {
    let best: Candidate | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    const n = candidates.length;
    const start = n > 1 ? this.#rr++ % n : 0;
    const strategy = this.config.routing.strategy;
    let totalWeight = 0;
    for (let k = 0; k < n; k++) {
      const c = candidates[(start + k) % n]!;
      const b = c.backend;
      if (!b.routable || !b.hasSlot || exclude?.has(b)) continue;
      let score: number;
      if (strategy === 'weighted') {
        b.currentWeight += b.config.weight;
        totalWeight += b.config.weight;
        score = -b.currentWeight;
      } else if (strategy === 'latency') {
        // Unmeasured backends score 0 so each gets tried; load multiplies to avoid piling onto one.
        score = b.ewmaMs * (b.outstanding + 1);
      } else {
        score = (b.outstanding + 1) / b.config.weight;
      }
      if (score < bestScore) {
        bestScore = score;
        best = c;
      }
    }
    if (!best) return undefined;
    if (strategy === 'weighted') best.backend.currentWeight -= totalWeight;
    best.backend.outstanding++;
    return { kind: 'ok', candidate: best };
  }
}
