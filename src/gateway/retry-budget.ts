// Retry budget: retries may add at most `ratio` of the request rate plus a small floor per second.
import type { Clock } from '../kernel/clock.ts';

export class RetryBudget {
  #tokens: number;
  #last: number;
  readonly #cap: number;

  constructor(
    private readonly clock: Clock,
    private readonly ratio: number,
    private readonly minPerSecond: number,
  ) {
    // Cap at ten seconds' worth of floor so a quiet period cannot bank a retry storm.
    this.#cap = Math.max(1, minPerSecond * 10);
    this.#tokens = this.#cap;
    this.#last = clock.monotonic();
  }

  /** Every first attempt deposits `ratio` of a retry. */
  onRequest(): void {
    this.#tokens = Math.min(this.#cap + 100 * this.ratio, this.#tokens + this.ratio);
  }

  /** Takes one retry if the budget allows it. */
  tryRetry(): boolean {
    const now = this.clock.monotonic();
    const dt = (now - this.#last) / 1000;
    if (dt > 0) {
      this.#tokens = Math.min(Math.max(this.#tokens, this.#cap), this.#tokens + dt * this.minPerSecond);
      this.#last = now;
    }
    if (this.#tokens < 1 - 1e-9) return false; // tolerate float drift from adding ratios
    this.#tokens -= 1;
    return true;
  }
}
