// Every transition of the per-target state machine, driven by a fake clock (plain numbers).
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type Policy } from './config-schema.ts';
import {
  backoffAfter,
  decide,
  giveUp,
  initialState,
  type MachineEvent,
  observe,
  type Rung,
  recordAction,
  resumeState,
  type TargetState,
} from './state-machine.ts';

const policy: Policy = {
  ...DEFAULT_POLICY,
  interval: 1000,
  failAfter: 3,
  recoverAfter: 2,
  bootGrace: 10_000,
  restartGrace: 5_000,
  backoff: { initial: 60_000, factor: 2, max: 200_000 },
  maxCycles: 2,
  window: 3_600_000,
};
const POWER: Rung[] = ['power'];

/** Feeds probe outcomes one interval apart; returns the final state, the clock and every event. */
function feed(state: TargetState, start: number, outcomes: boolean[]) {
  let s = state;
  let now = start;
  const events: MachineEvent[] = [];
  for (const ok of outcomes) {
    now += policy.interval;
    const r = observe(s, ok, now, policy);
    s = r.state;
    events.push(...r.events);
  }
  return { state: s, now, events };
}

const F = (n: number) => Array<boolean>(n).fill(false);
const T = (n: number) => Array<boolean>(n).fill(true);
/** A state past its start-up grace. */
const settled = () => initialState(-policy.bootGrace, policy);

describe('observe', () => {
  it('starts healthy inside boot grace and ignores failures during it', () => {
    const s0 = initialState(0, policy);
    expect(s0).toMatchObject({ phase: 'healthy', graceUntil: 10_000 });
    const r = feed(s0, 0, F(9)); // t = 1s..9s, all inside grace
    expect(r.state).toMatchObject({ phase: 'healthy', failures: 0 });
    expect(r.events).toEqual([]);
  });

  it('healthy → failing on the first failure after grace, back to healthy on a success', () => {
    const r = feed(settled(), 0, F(1));
    expect(r.state).toMatchObject({ phase: 'failing', failures: 1 });
    const back = feed(r.state, r.now, T(1));
    expect(back.state).toMatchObject({ phase: 'healthy', failures: 0 });
    expect(back.events).toEqual([]);
  });

  it('failing → down only after failAfter consecutive failures', () => {
    const two = feed(settled(), 0, [false, false, true, false, false]);
    expect(two.state.phase).toBe('failing');
    const r = feed(settled(), 0, F(3));
    expect(r.state).toMatchObject({ phase: 'down', failures: 3, downSince: 3000 });
    expect(r.events).toEqual([{ type: 'failed', failures: 3 }]);
    // No second 'failed' event while it stays down.
    expect(feed(r.state, r.now, F(5)).events).toEqual([]);
  });

  it('down → healthy only after recoverAfter consecutive successes (no flapping)', () => {
    const down = feed(settled(), 0, F(3));
    const flap = feed(down.state, down.now, [true, false, true, false]);
    expect(flap.state.phase).toBe('down');
    expect(flap.events).toEqual([]);
    const rec = feed(flap.state, flap.now, T(2));
    expect(rec.state).toMatchObject({ phase: 'healthy', rung: 0, incidentCycles: 0, nextActionAt: 0 });
    expect(rec.events).toEqual([{ type: 'recovered', downForMs: rec.now - 3000 }]);
  });

  it('caps the success counter so a healthy steady state does not change', () => {
    const a = feed(settled(), 0, T(5)).state;
    const b = observe(a, true, 99_000, policy).state;
    expect(b).toEqual(a);
  });
});

describe('decide', () => {
  const down = () => feed(settled(), 0, F(3));

  it('does not act on healthy or failing targets, nor without a ladder', () => {
    expect(decide(settled(), POWER, 0, policy)).toEqual({ act: false, reason: 'not-down' });
    expect(decide(feed(settled(), 0, F(2)).state, POWER, 3000, policy).act).toBe(false);
    const d = down();
    expect(decide(d.state, [], d.now, policy)).toEqual({ act: false, reason: 'no-action' });
  });

  it('acts on a down target with the first rung of its ladder', () => {
    const d = down();
    expect(decide(d.state, POWER, d.now, policy)).toEqual({ act: true, rung: 'power', index: 0 });
    expect(decide(d.state, ['restart', 'power'], d.now, policy)).toEqual({
      act: true,
      rung: 'restart',
      index: 0,
    });
  });

  it('restart first; then power once the restart grace passes and failures recur', () => {
    const ladder: Rung[] = ['restart', 'power'];
    const d = down();
    const afterRestart = recordAction(d.state, 'restart', true, d.now, policy);
    expect(afterRestart).toMatchObject({ rung: 1, failures: 0, graceUntil: d.now + 5000 });
    expect(decide(afterRestart, ladder, d.now + 1000, policy)).toEqual({ act: false, reason: 'grace' });
    // Grace over (5 s), then three fresh failures.
    const r = feed(afterRestart, d.now, F(5 + 3));
    expect(r.state.phase).toBe('down');
    expect(decide(r.state, ladder, r.now, policy)).toEqual({ act: true, rung: 'power', index: 1 });
  });

  it('a failed restart call escalates to power at once', () => {
    const d = down();
    const s = recordAction(d.state, 'restart', false, d.now, policy);
    expect(decide(s, ['restart', 'power'], d.now, policy)).toEqual({ act: true, rung: 'power', index: 1 });
  });

  it('respects boot grace after a power cycle, then back-off, then acts again', () => {
    const d = down();
    const hold = 2000;
    const s = recordAction(d.state, 'power', true, d.now, policy, hold);
    expect(s).toMatchObject({ failures: 0, incidentCycles: 1, cycles: [d.now] });
    expect(s.graceUntil).toBe(d.now + hold + policy.bootGrace);
    expect(s.nextActionAt).toBe(d.now + hold + 60_000);
    // Failures during grace are ignored.
    const inGrace = feed(s, d.now, F(11));
    expect(inGrace.state.failures).toBe(0);
    expect(decide(inGrace.state, POWER, inGrace.now, policy)).toEqual({ act: false, reason: 'grace' });
    // After grace, failures count; still inside back-off.
    const after = feed(inGrace.state, inGrace.now, F(3));
    expect(after.state.failures).toBe(3);
    expect(decide(after.state, POWER, after.now, policy)).toEqual({ act: false, reason: 'backoff' });
    // Back-off over.
    const later = d.now + hold + 60_000;
    expect(decide(after.state, POWER, later, policy)).toEqual({ act: true, rung: 'power', index: 0 });
  });

  it('back-off grows by factor and stops at max', () => {
    expect([1, 2, 3, 4].map((n) => backoffAfter(n, policy))).toEqual([60_000, 120_000, 200_000, 200_000]);
  });

  it('caps power cycles per window, then gives up and stays given up while down', () => {
    let s = down().state;
    let now = 10_000;
    s = recordAction(s, 'power', true, now, policy);
    now += 1_000_000;
    s = { ...s, failures: 3 };
    expect(decide(s, POWER, now, policy).act).toBe(true);
    s = recordAction(s, 'power', true, now, policy);
    now += 1_000_000;
    s = { ...s, failures: 3 };
    expect(decide(s, POWER, now, policy)).toEqual({ act: false, reason: 'cap' });
    const g = giveUp(s, now, policy);
    expect(g.events).toEqual([
      {
        type: 'gave-up',
        cycles: 2,
        windowMs: policy.window,
        attempts: [
          { at: 10_000, result: 'ok' },
          { at: 1_010_000, result: 'ok' },
        ],
      },
    ]);
    expect(g.state.phase).toBe('gave-up');
    expect(decide(g.state, POWER, now + 10 * policy.window, policy)).toEqual({
      act: false,
      reason: 'gave-up',
    });
    // A given-up target that comes back is recovered, and the window still remembers its cycles.
    const rec = feed(g.state, now, T(2));
    expect(rec.state.phase).toBe('healthy');
    expect(rec.events[0]?.type).toBe('recovered');
    expect(rec.state.cycles).toHaveLength(2);
  });

  it('gives up as soon as the cap is reached, without waiting out a back-off that cannot lead to a cycle', () => {
    let s = down().state;
    s = recordAction(s, 'power', true, 0, policy);
    s = recordAction(s, 'power', true, 1000, policy);
    s = { ...s, failures: 3, graceUntil: 0 };
    expect(s.nextActionAt).toBeGreaterThan(2000);
    expect(decide(s, POWER, 2000, policy)).toEqual({ act: false, reason: 'cap' });
  });

  it('a cycle recorded but never answered is "interrupted" after a restart of the watchdog', () => {
    let s = down().state;
    s = recordAction(s, 'power', false, 500, policy); // write-ahead, then the process died
    expect(s.attempts).toEqual([{ at: 500, result: 'pending' }]);
    expect(resumeState(s, 600, policy).attempts).toEqual([{ at: 500, result: 'interrupted' }]);
  });

  it('cycles older than the window no longer count', () => {
    let s = down().state;
    s = recordAction(s, 'power', true, 0, policy);
    s = recordAction(s, 'power', true, 1000, policy);
    s = { ...s, failures: 3, graceUntil: 0, nextActionAt: 0 };
    expect(decide(s, POWER, 2000, policy)).toEqual({ act: false, reason: 'cap' });
    expect(decide(s, POWER, 1000 + policy.window + 1, policy).act).toBe(true);
  });

  it('a failed power call counts against the cap, waits out the back-off, and gets no grace', () => {
    const d = down();
    const s = recordAction(d.state, 'power', false, d.now, policy, 2000);
    expect(s).toMatchObject({ incidentCycles: 1, cycles: [d.now], failures: 3 });
    expect(s.graceUntil).toBeLessThan(d.now);
    expect(decide(s, POWER, d.now + 1000, policy)).toEqual({ act: false, reason: 'backoff' });
    expect(decide(s, POWER, s.nextActionAt, policy).act).toBe(true);
  });
});

describe('resumeState', () => {
  it('keeps cycles, back-off and give-up across a watchdog restart, and re-arms grace', () => {
    const d = feed(settled(), 0, F(3));
    const s = recordAction(d.state, 'power', true, d.now, policy);
    const saved = JSON.parse(JSON.stringify(s)) as TargetState;
    const restartedAt = d.now + 20_000;
    const r = resumeState(saved, restartedAt, policy);
    expect(r).toMatchObject({
      cycles: s.cycles,
      nextActionAt: s.nextActionAt,
      incidentCycles: 1,
      phase: 'down',
    });
    expect(r.graceUntil).toBe(restartedAt + policy.bootGrace);
    const f = feed(r, restartedAt, F(10 + 3));
    expect(decide(f.state, POWER, f.now, policy)).toEqual({ act: false, reason: 'backoff' });
    const gave = resumeState({ ...saved, phase: 'gave-up' }, restartedAt, policy);
    expect(decide(gave, POWER, restartedAt + 10 * policy.window, policy)).toEqual({
      act: false,
      reason: 'gave-up',
    });
  });
});
