// Unit tests on a manual clock: circuit breaker, retry budget, key limits, usage scanning, label escaping.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { KeyLimits } from './key-limits.ts';
import { Counter, labels } from './metrics.ts';
import { RetryBudget } from './retry-budget.ts';
import { findUsage, TailBuffer } from './usage-scan.ts';

describe('circuit breaker', () => {
  it('opens after N failures, admits one probe after the cooldown, backs off when the probe fails', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker(clock, { failures: 3, cooldownMs: 1000, maxCooldownMs: 3000 });
    b.onFailure();
    b.onFailure();
    expect(b.state).toBe('closed');
    b.onFailure();
    expect(b.state).toBe('open');
    expect(b.available).toBe(false);
    expect(b.cooldownRemainingMs).toBe(1000);
    clock.advance(1000);
    expect(b.state).toBe('half-open');
    expect(b.available).toBe(true);
    b.onSend();
    expect(b.available).toBe(false); // one probe at a time
    b.onFailure();
    expect(b.state).toBe('open');
    expect(b.cooldownRemainingMs).toBe(2000);
    clock.advance(2000);
    b.onSend();
    b.onFailure();
    expect(b.cooldownRemainingMs).toBe(3000); // capped
    clock.advance(3000);
    b.onSend();
    b.onSuccess();
    expect(b.state).toBe('closed');
    expect(b.opens).toBe(3);
  });

  it('a success resets the failure count', () => {
    const b = new CircuitBreaker(new ManualClock(), { failures: 2, cooldownMs: 10, maxCooldownMs: 10 });
    b.onFailure();
    b.onSuccess();
    b.onFailure();
    expect(b.state).toBe('closed');
  });
});

describe('retry budget', () => {
  it('allows the floor, then only the ratio of requests', () => {
    const clock = new ManualClock();
    const rb = new RetryBudget(clock, 0.1, 1); // floor: 10 banked
    let n = 0;
    while (rb.tryRetry()) n++;
    expect(n).toBe(10);
    for (let i = 0; i < 50; i++) rb.onRequest();
    n = 0;
    while (rb.tryRetry()) n++;
    expect(n).toBe(5);
    clock.advance(3000);
    n = 0;
    while (rb.tryRetry()) n++;
    expect(n).toBe(3);
  });
});

describe('key limits', () => {
  const key = {
    name: 'k',
    hash: `sha256:${'0'.repeat(64)}`,
    rpm: 2,
    tpm: 100,
    budget: { tokens: 250, period: 'day' as const },
  };

  it('refills requests per minute over time', () => {
    const clock = new ManualClock();
    const l = new KeyLimits(clock);
    expect(l.admit(key)).toBeUndefined();
    expect(l.admit(key)).toBeUndefined();
    expect(l.admit(key)).toMatchObject({ code: 'rate_limit_exceeded', retryAfterSeconds: 30 });
    clock.advance(30_000);
    expect(l.admit(key)).toBeUndefined();
  });

  it('blocks on tokens per minute once the bucket is spent, and on the daily budget until midnight UTC', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 23, 0, 0));
    const l = new KeyLimits(clock);
    const k = { ...key, rpm: undefined };
    l.charge(k, 150);
    expect(l.admit(k)).toMatchObject({ code: 'rate_limit_exceeded' });
    clock.advance(60_000);
    expect(l.admit(k)).toBeUndefined();
    l.charge(k, 100);
    clock.advance(120_000);
    expect(l.admit(k)).toMatchObject({ code: 'insufficient_quota', retryAfterSeconds: 57 * 60 });
    clock.advance(57 * 60_000);
    expect(l.admit(k)).toBeUndefined();
    expect(l.snapshot(k)).toEqual({ budgetUsed: 0, budgetPeriod: '2026-01-16' });
  });
});

describe('usage scanning', () => {
  it('finds usage in JSON and in the last SSE chunk, ignoring null usage', () => {
    expect(
      findUsage('{"id":"x","usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}'),
    ).toEqual({
      prompt_tokens: 3,
      completion_tokens: 4,
      total_tokens: 7,
    });
    const sse =
      'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0}}}\n\ndata: [DONE]\n\n';
    expect(findUsage(`data: {"usage":null}\n\n${sse}`)?.total_tokens).toBe(3);
    expect(findUsage('data: {"usage": null}\n\ndata: [DONE]\n\n')).toBeUndefined();
  });

  it('keeps only the tail of a long stream', () => {
    const t = new TailBuffer(100);
    for (let i = 0; i < 1000; i++) t.push(Buffer.from(`data: {"n":${i}}\n\n`));
    t.push(Buffer.from('data: {"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}\n\n'));
    expect(t.text().length).toBeLessThan(200);
    expect(findUsage(t.text())?.total_tokens).toBe(2);
  });
});

describe('metrics', () => {
  it('escapes label values', () => {
    const c = new Counter('x_total', 'help');
    c.inc(labels({ model: 'a"b\\c\nd' }));
    expect(c.get('model="a\\"b\\\\c\\nd"')).toBe(1);
  });
});
