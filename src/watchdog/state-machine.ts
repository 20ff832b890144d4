// The per-target state machine, pure: (state, observation, now) → new state + events. No I/O, no timers.
import type { Policy } from './config-schema.ts';

/**
 * healthy: probes pass. failing: some consecutive failures, fewer than failAfter.
 * down: failAfter reached; the ladder may act. gave-up: the cycle cap was hit; no more action until it recovers.
 */
export type Phase = 'healthy' | 'failing' | 'down' | 'gave-up';

/** What one target remembers; persisted as JSON, so plain numbers only (epoch milliseconds). */
export interface TargetState {
  phase: Phase;
  /** Consecutive failed probes counted (failures inside a grace period are not counted). */
  failures: number;
  /** Consecutive passed probes, capped at recoverAfter so steady state writes nothing. */
  successes: number;
  /** Failures are ignored until then (boot grace after power-on, restart grace, watchdog start). */
  graceUntil: number;
  /** Next rung of the escalation ladder in the current incident. */
  rung: number;
  /** No action before then (back-off after a power cycle or a failed driver call). */
  nextActionAt: number;
  /** Times of power-cycle attempts, pruned to the cap window. */
  cycles: number[];
  /** Power-cycle attempts in the current incident; drives the back-off. */
  incidentCycles: number;
  downSince?: number;
  /** What became of each power-cycle attempt in the window (same times as `cycles`). */
  attempts?: CycleAttempt[];
}

/**
 * pending: recorded before power was touched; interrupted: the watchdog stopped or died before the
 * driver answered; failed: the driver reported failure (no cycle may have happened); ok: power was cycled.
 */
export interface CycleAttempt {
  at: number;
  result: 'pending' | 'ok' | 'failed' | 'interrupted';
  error?: string;
}

/** A rung of the ladder: a gentle restart, or a power cycle (the only kind the cap counts). */
export type Rung = 'restart' | 'power';

export type MachineEvent =
  | { type: 'failed'; failures: number }
  | { type: 'recovered'; downForMs: number }
  | { type: 'gave-up'; cycles: number; windowMs: number; attempts: CycleAttempt[] };

export type Decision =
  | { act: true; rung: Rung; index: number }
  | { act: false; reason: 'not-down' | 'grace' | 'backoff' | 'gave-up' | 'no-action' | 'cap' };

export function initialState(now: number, policy: Policy): TargetState {
  return {
    phase: 'healthy',
    failures: 0,
    successes: 0,
    graceUntil: now + policy.bootGrace,
    rung: 0,
    nextActionAt: 0,
    cycles: [],
    incidentCycles: 0,
  };
}

/** After the watchdog restarts: keep counts and back-off, but give freshly booted targets their grace. */
export function resumeState(saved: TargetState, now: number, policy: Policy): TargetState {
  return {
    ...saved,
    attempts: saved.attempts?.map((a) => (a.result === 'pending' ? { ...a, result: 'interrupted' } : a)),
    graceUntil: Math.max(saved.graceUntil, now + policy.bootGrace),
    failures: 0,
    successes: 0,
  };
}

export function inGrace(state: TargetState, now: number): boolean {
  return now < state.graceUntil;
}

/** Feeds one probe outcome into the machine. */
export function observe(
  state: TargetState,
  ok: boolean,
  now: number,
  policy: Policy,
): { state: TargetState; events: MachineEvent[] } {
  const events: MachineEvent[] = [];
  const s = { ...state };
  if (ok) {
    s.failures = 0;
    s.successes = Math.min(s.successes + 1, policy.recoverAfter);
    if (s.phase === 'failing') s.phase = 'healthy';
    if ((s.phase === 'down' || s.phase === 'gave-up') && s.successes >= policy.recoverAfter) {
      events.push({ type: 'recovered', downForMs: now - (s.downSince ?? now) });
      s.phase = 'healthy';
      s.rung = 0;
      s.incidentCycles = 0;
      s.nextActionAt = 0;
      s.downSince = undefined;
    }
    return { state: s, events };
  }
  s.successes = 0;
  if (inGrace(s, now)) return { state: s, events };
  s.failures = Math.min(s.failures + 1, policy.failAfter);
  if (s.phase === 'healthy') s.phase = 'failing';
  if (s.phase === 'failing' && s.failures >= policy.failAfter) {
    s.phase = 'down';
    s.downSince = now;
    events.push({ type: 'failed', failures: s.failures });
  }
  return { state: s, events };
}

/**
 * The watchdog's own link was lost: failures counted so far say nothing about the target. A failing target
 * is healthy again as far as we know; a down one stays down but needs failAfter fresh failures to act.
 */
export function forgetFailures(state: TargetState): TargetState {
  if (state.failures === 0) return state;
  return { ...state, failures: 0, phase: state.phase === 'failing' ? 'healthy' : state.phase };
}

/** The ladder a target has: restart first when configured, then power; an empty ladder only alerts. */
export function ladderOf(target: { restart?: unknown; power?: unknown }): Rung[] {
  const ladder: Rung[] = [];
  if (target.restart) ladder.push('restart');
  if (target.power) ladder.push('power');
  return ladder;
}

export function cyclesInWindow(state: TargetState, now: number, policy: Policy): number {
  return state.cycles.filter((t) => t > now - policy.window).length;
}

/**
 * Whether the ladder should act now. Maintenance and the watchdog's own link are checked by the caller
 * only when this says yes, so a cut-off watchdog never even reaches for a driver.
 */
export function decide(state: TargetState, ladder: Rung[], now: number, policy: Policy): Decision {
  if (state.phase === 'gave-up') return { act: false, reason: 'gave-up' };
  if (state.phase !== 'down') return { act: false, reason: 'not-down' };
  if (ladder.length === 0) return { act: false, reason: 'no-action' };
  if (inGrace(state, now)) return { act: false, reason: 'grace' };
  // Grace over: a fresh run of failAfter failures is needed before each further rung.
  if (state.failures < policy.failAfter) return { act: false, reason: 'grace' };
  const index = Math.min(state.rung, ladder.length - 1);
  const rung = ladder[index]!;
  // The cap before the back-off: a back-off that can no longer lead to a cycle must not delay giving up.
  if (rung === 'power' && cyclesInWindow(state, now, policy) >= policy.maxCycles)
    return { act: false, reason: 'cap' };
  if (now < state.nextActionAt) return { act: false, reason: 'backoff' };
  return { act: true, rung, index };
}

export function giveUp(
  state: TargetState,
  now: number,
  policy: Policy,
): { state: TargetState; events: MachineEvent[] } {
  const cycles = cyclesInWindow(state, now, policy);
  const attempts = (state.attempts ?? []).filter((a) => a.at > now - policy.window);
  return {
    state: { ...state, phase: 'gave-up' },
    events: [{ type: 'gave-up', cycles, windowMs: policy.window, attempts }],
  };
}

/** Records how a power-cycle attempt (started at `at`) ended. */
export function settleAttempt(
  state: TargetState,
  at: number,
  result: CycleAttempt['result'],
  error?: string,
): TargetState {
  return {
    ...state,
    attempts: (state.attempts ?? []).map((a) =>
      a.at === at && a.result === 'pending' ? { at, result, error } : a,
    ),
  };
}

/** Back-off before power cycle number `n` + 1 of an incident (n ≥ 1). */
export function backoffAfter(n: number, policy: Policy): number {
  const { initial, factor, max } = policy.backoff;
  return Math.min(max, initial * factor ** Math.max(0, n - 1));
}

/**
 * Records an action's outcome. A power attempt counts against the cap even when the driver reported
 * failure: it may have cut power before failing, and the cap exists to stop cycling forever.
 */
export function recordAction(
  state: TargetState,
  rung: Rung,
  ok: boolean,
  now: number,
  policy: Policy,
  /** Hold time of the power driver: grace starts when power returns. */
  holdMs = 0,
): TargetState {
  const s = { ...state, cycles: state.cycles.filter((t) => t > now - policy.window) };
  if (rung === 'restart') {
    s.rung = state.rung + 1;
    if (ok) {
      s.graceUntil = now + policy.restartGrace;
      s.failures = 0;
    }
    return s;
  }
  s.cycles.push(now);
  s.attempts = [
    ...(state.attempts ?? []).filter((a) => a.at > now - policy.window && a.at !== now),
    { at: now, result: ok ? 'ok' : 'pending' },
  ];
  s.incidentCycles = state.incidentCycles + 1;
  s.nextActionAt = now + holdMs + backoffAfter(s.incidentCycles, policy);
  if (ok) {
    s.graceUntil = now + holdMs + policy.bootGrace;
    s.failures = 0;
  }
  return s;
}
