// Per-key limits: requests per minute, tokens per minute, and a token budget per UTC day or month.
import type { Clock } from '../kernel/clock.ts';
import type { KeyConfig } from './config-schema.ts';

/** Why a request was refused, for the 429 body. */
export interface LimitRefusal {
  code: 'rate_limit_exceeded' | 'insufficient_quota';
  message: string;
  retryAfterSeconds: number;
}

interface KeyState {
  /** Token buckets, refilled continuously; rpm/tpm tokens may go negative after a big response. */
  reqTokens: number;
  tokTokens: number;
  lastRefill: number;
  budgetPeriod: string;
  budgetUsed: number;
}

/** The UTC day ("2026-01-15") or month ("2026-01") a wall-clock time falls in. */
export function budgetPeriodOf(period: 'day' | 'month', wallMs: number): string {
  const iso = new Date(wallMs).toISOString();
  return period === 'day' ? iso.slice(0, 10) : iso.slice(0, 7);
}

function secondsUntilNextPeriod(period: 'day' | 'month', wallMs: number): number {
  const d = new Date(wallMs);
  const next =
    period === 'day'
      ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
      : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Math.ceil((next - wallMs) / 1000);
}

export class KeyLimits {
  readonly #state = new Map<string, KeyState>();

  constructor(private readonly clock: Clock) {}

  #get(key: KeyConfig): KeyState {
    let s = this.#state.get(key.name);
    if (!s) {
      s = {
        reqTokens: key.rpm ?? 0,
        tokTokens: key.tpm ?? 0,
        lastRefill: this.clock.monotonic(),
        budgetPeriod: key.budget ? budgetPeriodOf(key.budget.period, this.clock.wall()) : '',
        budgetUsed: 0,
      };
      this.#state.set(key.name, s);
    }
    const now = this.clock.monotonic();
    const dt = (now - s.lastRefill) / 60_000;
    if (dt > 0) {
      if (key.rpm) s.reqTokens = Math.min(key.rpm, s.reqTokens + dt * key.rpm);
      if (key.tpm) s.tokTokens = Math.min(key.tpm, s.tokTokens + dt * key.tpm);
      s.lastRefill = now;
    }
    if (key.budget) {
      const p = budgetPeriodOf(key.budget.period, this.clock.wall());
      if (p !== s.budgetPeriod) {
        s.budgetPeriod = p;
        s.budgetUsed = 0;
      }
    }
    return s;
  }

  /** Checks and, when allowed, counts one request. Returns the refusal or undefined. */
  admit(key: KeyConfig): LimitRefusal | undefined {
    if (!key.rpm && !key.tpm && !key.budget) return undefined;
    const s = this.#get(key);
    if (key.budget && s.budgetUsed >= key.budget.tokens) {
      return {
        code: 'insufficient_quota',
        message: `key "${key.name}" has used its ${key.budget.period}ly budget of ${key.budget.tokens} tokens`,
        retryAfterSeconds: secondsUntilNextPeriod(key.budget.period, this.clock.wall()),
      };
    }
    if (key.tpm && s.tokTokens <= 0) {
      return {
        code: 'rate_limit_exceeded',
        message: `key "${key.name}" is over its limit of ${key.tpm} tokens per minute`,
        retryAfterSeconds: Math.max(1, Math.ceil(((1 - s.tokTokens) / key.tpm) * 60)),
      };
    }
    if (key.rpm) {
      if (s.reqTokens < 1) {
        return {
          code: 'rate_limit_exceeded',
          message: `key "${key.name}" is over its limit of ${key.rpm} requests per minute`,
          retryAfterSeconds: Math.max(1, Math.ceil(((1 - s.reqTokens) / key.rpm) * 60)),
        };
      }
      s.reqTokens -= 1;
    }
    return undefined;
  }

  /** Charges tokens a finished request used. */
  charge(key: KeyConfig, tokens: number): void {
    if (tokens <= 0 || (!key.tpm && !key.budget)) return;
    const s = this.#get(key);
    if (key.tpm) s.tokTokens -= tokens;
    if (key.budget) s.budgetUsed += tokens;
  }

  /** Restores budget use recorded earlier in the current period (from the usage log). */
  restoreBudget(key: KeyConfig, period: string, tokens: number): void {
    if (!key.budget) return;
    const s = this.#get(key);
    if (s.budgetPeriod === period) s.budgetUsed += tokens;
  }

  /** What the status page shows per key. */
  snapshot(key: KeyConfig): { budgetUsed?: number; budgetPeriod?: string } {
    if (!key.budget) return {};
    const s = this.#get(key);
    return { budgetUsed: s.budgetUsed, budgetPeriod: s.budgetPeriod };
  }
}
