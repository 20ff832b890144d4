// The one time source of the runtimes (gateway, watchdog): injectable, so tests move time without sleeping.

/** A timer handle; Node's Timeout satisfies it, so the real clock allocates nothing extra. */
export interface TimerHandle {
  refresh(): unknown;
  unref?(): unknown;
}

/** Two readings of time, never confused, plus timers and an abortable sleep. */
export interface Clock {
  /** Monotonic milliseconds since an arbitrary origin (performance.now): durations, timeouts, refills. */
  monotonic(): number;
  /**
   * Wall-clock milliseconds since the epoch (Date.now): timestamps, logs, calendar periods. It may jump
   * (a Pi has no RTC; NTP moves time at boot); compare it with monotonic() to notice.
   */
  wall(): number;
  /** Calls `fn` once after `ms` of monotonic time. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  monotonic: () => performance.now(),
  wall: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
};

/** `sleep` on any clock's timers: resolves when the timer fires or the signal aborts, whichever is first. */
function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = clock.setTimer(done, ms);
    function done() {
      clock.clearTimer(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

interface ManualTimer extends TimerHandle {
  at: number;
  ms: number;
  fn: () => void;
  live: boolean;
}

/**
 * A manual clock for tests: time moves only through advance() (both readings) and jumpWall() (the wall
 * reading alone). Monotonic time starts at 0; wall time at `wallStart`.
 */
export class ManualClock implements Clock {
  #mono = 0;
  /** wall() - monotonic(). */
  #wallOffset: number;
  #timers = new Set<ManualTimer>();

  constructor(wallStart = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.#wallOffset = wallStart;
  }

  monotonic(): number {
    return this.#mono;
  }

  wall(): number {
    return this.#wallOffset + this.#mono;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const t: ManualTimer = {
      at: this.#mono + ms,
      ms,
      fn,
      live: true,
      refresh: () => {
        t.at = this.#mono + t.ms;
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
    const t = handle as ManualTimer;
    t.live = false;
    this.#timers.delete(t);
  }

  /**
   * Resolves once advance() reaches `ms` from now (or at once / on abort). The sleeper's continuation
   * runs as a microtask, after the advance() that woke it returns.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Moves both readings forward, firing due timers in order (and timers they set that fall due). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ${ms} ms (time only moves forward)`);
    const end = this.#mono + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.#timers) if (t.at <= end && (!next || t.at < next.at)) next = t;
      if (!next) break;
      this.#mono = Math.max(this.#mono, next.at);
      this.clearTimer(next);
      next.fn();
    }
    this.#mono = end;
  }

  /** Moves the wall reading alone (either way), as NTP does; monotonic time and timers stay. */
  jumpWall(ms: number): void {
    this.#wallOffset += ms;
  }
}
