// The time source the gateway reads; injectable so tests can move time without sleeping.

/** A timer handle; Node's Timeout satisfies it, so the real clock allocates nothing extra. */
export interface TimerHandle {
  refresh(): unknown;
  unref?(): unknown;
}

/** Milliseconds since an arbitrary origin, plus timers. */
export interface Clock {
  now(): number;
  /** Wall-clock milliseconds since the epoch, for logs and budget periods. */
  wallNow(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface FakeTimer extends TimerHandle {
  at: number;
  ms: number;
  fn: () => void;
  live: boolean;
}

/** A manual clock for tests: time moves only through advance(). */
export class ManualClock implements Clock {
  #now = 0;
  #wall: number;
  #timers = new Set<FakeTimer>();

  constructor(wallStart = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.#wall = wallStart;
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.#wall + this.#now;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const t: FakeTimer = {
      at: this.#now + ms,
      ms,
      fn,
      live: true,
      refresh: () => {
        t.at = this.#now + t.ms;
        if (!t.live) {
          t.live = true;
          this.#timers.add(t);
        }
        return t;
      },
    };
    this.#timers.add(t);
    return t;
  }

  clearTimer(handle: TimerHandle): void {
    const t = handle as FakeTimer;
    t.live = false;
    this.#timers.delete(t);
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.#timers) if (t.at <= end && (!next || t.at < next.at)) next = t;
      if (!next) break;
      this.#now = Math.max(this.#now, next.at);
      this.clearTimer(next);
      next.fn();
    }
    this.#now = end;
  }
}
