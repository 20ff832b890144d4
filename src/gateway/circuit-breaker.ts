// Per-backend circuit breaker: opens after N consecutive failures, admits one probe after the cooldown.
import type { Clock } from '../kernel/clock.ts';

/** closed: traffic flows; open: cooling down; half-open: one probe request in flight decides. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failures: number;
  cooldownMs: number;
  maxCooldownMs: number;
}

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #cooldown: number;
  #probing = false;
  /** Times the circuit opened; exported as a metric. */
  opens = 0;

  constructor(
    private readonly clock: Clock,
    private readonly opts: BreakerOptions,
  ) {
    this.#cooldown = opts.cooldownMs;
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.clock.monotonic() - this.#openedAt >= this.#cooldown)
      this.#state = 'half-open';
    return this.#state;
  }

  /** Milliseconds until an open circuit admits a probe; 0 otherwise. */
  get cooldownRemainingMs(): number {
    return this.#state === 'open' ? Math.max(0, this.#openedAt + this.#cooldown - this.clock.monotonic()) : 0;
  }

  /** Whether a request may go to this backend now (without reserving the probe). */
  get available(): boolean {
    const s = this.state;
    return s === 'closed' || (s === 'half-open' && !this.#probing);
  }

  /** Call when a request is actually sent; in half-open it takes the single probe slot. */
  onSend(): void {
    if (this.state === 'half-open') this.#probing = true;
  }

  onSuccess(): void {
    this.#failures = 0;
    this.#probing = false;
    if (this.#state !== 'closed') {
      this.#state = 'closed';
      this.#cooldown = this.opts.cooldownMs;
    }
  }

  onFailure(): void {
    const s = this.state;
    this.#probing = false;
    if (s === 'half-open') {
      // The probe failed: back off harder before the next one.
      this.#cooldown = Math.min(this.opts.maxCooldownMs, this.#cooldown * 2);
      this.#open();
      return;
    }
    if (s === 'closed' && ++this.#failures >= this.opts.failures) this.#open();
  }

  /** A request that ended without a verdict (client went away) frees the probe slot. */
  onAbandon(): void {
    this.#probing = false;
  }

  #open(): void {
    this.#state = 'open';
    this.#openedAt = this.clock.monotonic();
    this.#failures = 0;
    this.opens++;
  }
}
