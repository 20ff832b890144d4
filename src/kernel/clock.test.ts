// The one clock: the manual test clock (timers, sleep, wall vs monotonic) and the real clock's abortable sleep.
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock.ts';

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('ManualClock', () => {
  it('fires due timers in time order, at their due time, and timers they set that fall due', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimer(() => fired.push(`c@${clock.monotonic()}`), 300);
    clock.setTimer(() => fired.push(`a@${clock.monotonic()}`), 100);
    clock.setTimer(() => {
      fired.push(`b@${clock.monotonic()}`);
      clock.setTimer(() => fired.push(`b2@${clock.monotonic()}`), 50);
    }, 200);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(400);
    expect(fired).toEqual(['a@100', 'b@200', 'b2@250', 'c@300']);
    expect(clock.monotonic()).toBe(499);
  });

  it('refresh() restarts a timer from now, even after it fired; clearTimer() stops it', () => {
    const clock = new ManualClock();
    let n = 0;
    const t = clock.setTimer(() => n++, 100);
    clock.advance(60);
    t.refresh();
    clock.advance(60);
    expect(n).toBe(0);
    clock.advance(40);
    expect(n).toBe(1);
    t.refresh();
    clock.advance(100);
    expect(n).toBe(2);
    t.refresh();
    clock.clearTimer(t);
    clock.advance(1000);
    expect(n).toBe(2);
  });

  it('sleep resolves once advance() reaches its due time', async () => {
    const clock = new ManualClock();
    let woke = false;
    const p = clock.sleep(1000).then(() => {
      woke = true;
    });
    clock.advance(999);
    await settle();
    expect(woke).toBe(false);
    clock.advance(1);
    await p;
    expect(woke).toBe(true);
  });

  it('sleep resolves early, without throwing, on abort; an aborted signal resolves at once', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    let woke = false;
    const p = clock.sleep(60_000, ac.signal).then(() => {
      woke = true;
    });
    await settle();
    expect(woke).toBe(false);
    ac.abort();
    await p;
    expect(woke).toBe(true);
    expect(clock.monotonic()).toBe(0);
    await expect(clock.sleep(60_000, ac.signal)).resolves.toBeUndefined();
    clock.advance(60_000); // the aborted sleeps left no timer behind
  });

  it('wall() moves with advance(); jumpWall() moves it alone', () => {
    const start = Date.UTC(2026, 0, 5, 12, 0, 0);
    const clock = new ManualClock(start);
    expect([clock.wall(), clock.monotonic()]).toEqual([start, 0]);
    clock.advance(1500);
    expect([clock.wall(), clock.monotonic()]).toEqual([start + 1500, 1500]);
    clock.jumpWall(3_600_000);
    expect([clock.wall(), clock.monotonic()]).toEqual([start + 1500 + 3_600_000, 1500]);
    clock.jumpWall(-7_200_000);
    expect(clock.wall()).toBe(start + 1500 - 3_600_000);
    expect(clock.monotonic()).toBe(1500);
  });

  it('time only moves forward', () => {
    expect(() => new ManualClock().advance(-1)).toThrow(RangeError);
  });
});

describe('systemClock', () => {
  it('reads monotonic and wall time', () => {
    const before = Date.now();
    expect(systemClock.wall()).toBeGreaterThanOrEqual(before);
    const m = systemClock.monotonic();
    expect(systemClock.monotonic()).toBeGreaterThanOrEqual(m);
  });

  it('sleeps, and an abort ends the sleep early without throwing', async () => {
    const t0 = performance.now();
    await systemClock.sleep(20);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);

    const ac = new AbortController();
    const t1 = performance.now();
    const p = systemClock.sleep(60_000, ac.signal);
    setTimeout(() => ac.abort(), 10);
    await expect(p).resolves.toBeUndefined();
    expect(performance.now() - t1).toBeLessThan(5000);

    const t2 = performance.now();
    await systemClock.sleep(60_000, ac.signal); // already aborted: at once
    expect(performance.now() - t2).toBeLessThan(1000);
  });
});
