// The watchdog's notion of time: injectable so tests drive hours of behaviour in milliseconds.

/** Wall clock plus an abortable sleep. */
export interface Clock {
  now(): number;
  /** Monotonic milliseconds, to notice wall-clock jumps (a Pi has no RTC; NTP moves time at boot). */
  monotonic?(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};
