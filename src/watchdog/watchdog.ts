// The watchdog engine: probes each target on its interval, feeds the state machine, and acts through drivers.

import type { Clock } from '../kernel/clock.ts';
import { humanDuration } from '../kernel/duration.ts';
import { describeProbe } from '../probe/describe.ts';
import type { ProbeRunner } from '../probe/run-probe.ts';
import type { AlertEvent, AlertSender } from './alerts.ts';
import type { WatchdogConfig } from './config-schema.ts';
import { createPowerDriver } from './drivers/create.ts';
import type { DriverDeps, PowerDriver } from './drivers/types.ts';
import { type ResolvedTarget, resolveTargets } from './load-config.ts';
import type { Logger } from './logger.ts';
import { flagCovers, inWindow } from './maintenance.ts';
import { esc, WatchdogMetrics } from './metrics.ts';
import { type CarrierReader, OwnLink, sysfsCarrier } from './own-link.ts';
import { watchdogProbe } from './probe.ts';
import { runRestart } from './restart.ts';
import { withRetries } from './retry.ts';
import {
  type CycleAttempt,
  cyclesInWindow,
  decide,
  forgetFailures,
  giveUp,
  initialState,
  ladderOf,
  type MachineEvent,
  observe,
  recordAction,
  resumeState,
  settleAttempt,
  type TargetState,
} from './state-machine.ts';
import type { StateStore } from './state-store.ts';

/** Everything the engine touches outside itself; tests pass fakes, `run.ts` passes the real ones. */
export interface WatchdogDeps {
  clock: Clock;
  probe?: ProbeRunner;
  store: StateStore;
  alerts: AlertSender;
  log: Logger;
  /** Transports for drivers and restart calls. */
  driverDeps: DriverDeps;
  /** Builds a target's power driver; default from its config. */
  driverFor?: (target: ResolvedTarget) => PowerDriver | undefined;
  /** Reads the maintenance flag file (see maintenance.ts). */
  readFlag: () => Promise<string[] | null>;
  metrics?: WatchdogMetrics;
  /** The local carrier of the watchdog's own link; default from sysfs (selfCheck.interfaces). */
  carrier?: CarrierReader;
}

export interface Watchdog {
  /** Loads saved state and drives GPIO outputs to on, without starting the loops. */
  init(): Promise<void>;
  /** init(), then one loop per target. */
  start(): Promise<void>;
  /** Stops the loops, waits for an action in progress and pending alerts, saves state. */
  stop(): Promise<void>;
  /** One probe round + decision for one target (the loop calls this; tests may too). */
  tick(name: string): Promise<void>;
  states(): Record<string, TargetState>;
  metrics: WatchdogMetrics;
}

export function createWatchdog(config: WatchdogConfig, deps: WatchdogDeps): Watchdog {
  const targets = resolveTargets(config);
  const probe = deps.probe ?? watchdogProbe;
  const metrics = deps.metrics ?? new WatchdogMetrics();
  const { clock, log } = deps;
  const states: Record<string, TargetState> = {};
  const drivers = new Map<string, PowerDriver | undefined>();
  const lastSkip = new Map<string, string>();
  const abort = new AbortController();
  const loops: Promise<void>[] = [];
  let saving = Promise.resolve();

  // Each target's device calls are retried by its own policy.
  const depsFor = (t: ResolvedTarget): DriverDeps => ({
    ...deps.driverDeps,
    retry: (what, fn) =>
      withRetries(t.policy.retries, t.policy.retryDelay, deps.driverDeps.sleep, fn, (err, attempt) =>
        log('warn', 'device call failed', {
          target: t.name,
          call: what,
          attempt,
          of: t.policy.retries,
          error: String(err),
        }),
      ),
  });
  for (const t of targets) {
    drivers.set(
      t.name,
      deps.driverFor ? deps.driverFor(t) : t.power && createPowerDriver(t.power, t.name, depsFor(t)),
    );
  }

  const alert = (
    type: AlertEvent['type'],
    target: string,
    message: string,
    details?: Record<string, unknown>,
  ) => deps.alerts.send({ type, target, message, time: new Date(clock.wall()).toISOString(), details });

  // Saves are serialised so an older snapshot never overwrites a newer one.
  const persist = () => {
    const snapshot = structuredClone(states);
    saving = saving.then(() =>
      deps.store.save(snapshot).catch((err) => log('error', 'state not saved', { error: String(err) })),
    );
    return saving;
  };

  // The judge of the watchdog's own link (own-link.ts). Whenever the link is lost, every target's count of
  // failures is forgotten: after the link returns, a target needs failAfter fresh failures.
  const link = new OwnLink({
    probes: config.selfCheck.probes,
    timeout: config.selfCheck.timeout,
    clock,
    probe,
    log,
    metrics,
    carrier: deps.carrier ?? sysfsCarrier(config.selfCheck.interfaces),
    onLost: () => {
      for (const [name, s] of Object.entries(states)) {
        states[name] = forgetFailures(s);
        metrics.failures.set(name, 0);
      }
    },
  });

  const inMaintenance = async (t: ResolvedTarget): Promise<string | undefined> => {
    if (flagCovers(await deps.readFlag(), t.name)) return 'maintenance flag file';
    if (inWindow(config.maintenance.windows, t.name, new Date(clock.wall()))) return 'maintenance window';
    return undefined;
  };

  const onEvents = (t: ResolvedTarget, events: MachineEvent[]) => {
    for (const e of events) {
      if (e.type === 'failed') {
        log('warn', 'target down', { target: t.name, failures: e.failures });
        alert('failed', t.name, `${t.name} failed ${e.failures} consecutive probes`, {
          failures: e.failures,
        });
      } else if (e.type === 'recovered') {
        log('info', 'target recovered', { target: t.name, downForMs: e.downForMs });
        alert('recovered', t.name, `${t.name} is back (down for ${Math.round(e.downForMs / 1000)} s)`, {
          downForMs: e.downForMs,
        });
      } else {
        const msg = `GIVING UP on ${t.name}: ${whatHappened(e.attempts, e.cycles, e.windowMs)}; no further action until it recovers or its state is reset`;
        log('error', msg, { target: t.name, cycles: e.cycles, attempts: e.attempts });
        alert('gave-up', t.name, msg, { cycles: e.cycles, windowMs: e.windowMs, attempts: e.attempts });
      }
    }
  };

  const skip = (t: ResolvedTarget, reason: string) => {
    metrics.count(metrics.skipped, `target="${esc(t.name)}",reason="${reason}"`);
    // Say it once per change of reason, not every interval.
    if (lastSkip.get(t.name) !== reason) log('warn', 'action held back', { target: t.name, reason });
    lastSkip.set(t.name, reason);
  };

  const act = async (t: ResolvedTarget, rung: 'restart' | 'power') => {
    const before = states[t.name]!;
    const now = clock.wall();
    lastSkip.delete(t.name);
    if (rung === 'restart') {
      log('warn', 'restarting', { target: t.name, restart: t.restart?.type });
      try {
        const detail = await runRestart(t.restart!, t.name, depsFor(t));
        states[t.name] = recordAction(before, 'restart', true, now, t.policy);
        metrics.count(metrics.actions, `target="${esc(t.name)}",rung="restart",result="ok"`);
        log('info', 'restart done', { target: t.name, detail });
        alert('restart', t.name, `${t.name}: restart action run (${detail})`);
      } catch (err) {
        states[t.name] = recordAction(before, 'restart', false, now, t.policy);
        metrics.count(metrics.actions, `target="${esc(t.name)}",rung="restart",result="failed"`);
        log('error', 'restart failed', { target: t.name, error: String(err) });
        alert('action-failed', t.name, `${t.name}: restart action failed: ${String(err)}`);
      }
      return;
    }
    const driver = drivers.get(t.name)!;
    // Write-ahead: the attempt is on disk before power is touched, so a crash mid-cycle still counts it.
    states[t.name] = recordAction(before, 'power', false, now, t.policy, driver.holdMs);
    await persist();
    const n = cyclesInWindow(states[t.name]!, now, t.policy);
    log('warn', 'power cycling', {
      target: t.name,
      driver: driver.label,
      cycle: n,
      maxCycles: t.policy.maxCycles,
    });
    try {
      const detail = await driver.cycle();
      states[t.name] = recordAction(before, 'power', true, now, t.policy, driver.holdMs);
      metrics.count(metrics.actions, `target="${esc(t.name)}",rung="power",result="ok"`);
      log('warn', 'power cycled', { target: t.name, driver: driver.label, detail, cycle: n });
      alert(
        'cycle',
        t.name,
        `${t.name} power-cycled via ${driver.label} (${n}/${t.policy.maxCycles} in window): ${detail}`,
        {
          cycle: n,
        },
      );
    } catch (err) {
      states[t.name] = settleAttempt(states[t.name]!, now, 'failed', String(err));
      metrics.count(metrics.actions, `target="${esc(t.name)}",rung="power",result="failed"`);
      log('error', 'power cycle failed', { target: t.name, driver: driver.label, error: String(err) });
      alert('action-failed', t.name, `${t.name}: power cycle via ${driver.label} FAILED: ${String(err)}`);
    }
  };

  // Timestamps in the state are wall-clock; when the wall clock jumps (NTP after a Pi boots without an
  // RTC), graces and back-offs would end early, so every target gets a fresh grace instead.
  let lastWall = clock.wall();
  let lastMono = clock.monotonic();
  const checkClockJump = () => {
    const wall = clock.wall();
    const mono = clock.monotonic();
    const skew = wall - lastWall - (mono - lastMono);
    lastWall = wall;
    lastMono = mono;
    if (Math.abs(skew) < 60_000) return;
    log('warn', 'wall clock jumped: re-arming boot grace for every target', { jumpMs: Math.round(skew) });
    for (const t of targets) {
      const s = states[t.name];
      if (s) states[t.name] = { ...s, failures: 0, graceUntil: wall + t.policy.bootGrace };
    }
  };

  const tick = async (name: string) => {
    const t = targets.find((x) => x.name === name);
    if (!t) throw new Error(`no target ${name}`);
    checkClockJump();
    const mark = await link.begin();
    const started = performance.now();
    const results = await Promise.all(t.probes.map((p) => probe(p, { timeoutMs: t.policy.timeout })));
    const passed = results.map((r) => r.state !== 'down');
    const ok = t.healthyWhen === 'all' ? passed.every(Boolean) : passed.some(Boolean);
    metrics.probeSeconds.set(t.name, (performance.now() - started) / 1000);
    metrics.up.set(t.name, ok ? 1 : 0);
    if (!ok) {
      log('debug', 'probe failed', {
        target: t.name,
        results: results.map((r, i) => `${describeProbe(t.probes[i]!)}: ${r.detail}`),
      });
    }
    // A failure counts only if the watchdog's own link was up for the whole round; otherwise it says
    // nothing about the target (and the link's loss has already reset every count).
    if (!ok && !(await link.heldUp(mark))) {
      states[t.name] = forgetFailures(states[t.name]!);
      skip(t, 'self-link-down');
      metrics.failures.set(t.name, 0);
      return;
    }
    const now = clock.wall();
    const observed = observe(states[t.name]!, ok, now, t.policy);
    states[t.name] = observed.state;
    onEvents(t, observed.events);
    const decision = decide(states[t.name]!, ladderOf(t), now, t.policy);
    if (decision.act) {
      const why = await inMaintenance(t);
      if (why) skip(t, why === 'maintenance window' ? 'maintenance-window' : 'maintenance-flag');
      else if (!(await link.upNow())) skip(t, 'self-link-down');
      else await act(t, decision.rung);
    } else if (decision.reason === 'cap') {
      const g = giveUp(states[t.name]!, now, t.policy);
      states[t.name] = g.state;
      onEvents(t, g.events);
    }
    const s = states[t.name]!;
    metrics.phase.set(t.name, s.phase);
    metrics.failures.set(t.name, s.failures);
    metrics.cyclesInWindow.set(t.name, cyclesInWindow(s, clock.wall(), t.policy));
    await persist();
  };

  const loop = async (t: ResolvedTarget) => {
    while (!abort.signal.aborted) {
      try {
        await tick(t.name);
      } catch (err) {
        log('error', 'tick failed', {
          target: t.name,
          error: err instanceof Error ? err.stack : String(err),
        });
      }
      await clock.sleep(t.policy.interval, abort.signal);
    }
  };

  return {
    metrics,
    states: () => structuredClone(states),
    tick,
    init,
    async start() {
      await init();
      for (const t of targets) loops.push(loop(t));
    },
    async stop() {
      abort.abort();
      await Promise.all(loops);
      await persist();
      await deps.alerts.drain();
      log('info', 'watchdog stopped');
    },
  };

  async function init() {
    const saved = await deps.store.load();
    const now = clock.wall();
    for (const t of targets) {
      const prior = saved[t.name];
      states[t.name] = prior ? resumeState(prior, now, t.policy) : initialState(now, t.policy);
      if (prior?.attempts?.some((a) => a.result === 'pending'))
        log('warn', 'a power cycle was interrupted: the watchdog stopped before the driver answered', {
          target: t.name,
        });
      metrics.phase.set(t.name, states[t.name]!.phase);
      const driver = drivers.get(t.name);
      if (driver?.ensureOn) {
        await driver
          .ensureOn()
          .catch((err) =>
            log('error', 'could not drive output to on', { target: t.name, error: String(err) }),
          );
      }
    }
    await persist();
    log('info', 'watchdog started', {
      targets: targets.map((t) => ({
        name: t.name,
        power: drivers.get(t.name)?.label ?? 'none',
        state: states[t.name]!.phase,
      })),
    });
  }
}

/** The gave-up text: what the attempts in the window actually did, not what they were meant to do. */
export function whatHappened(attempts: CycleAttempt[], cycles: number, windowMs: number): string {
  const within = `within ${humanDuration(windowMs)}`;
  const n = (k: CycleAttempt['result']) => attempts.filter((a) => a.result === k).length;
  const ok = n('ok');
  const failed = n('failed');
  const interrupted = n('interrupted') + n('pending');
  // State files from before attempts were recorded: only the count is known.
  if (attempts.length === 0) return `${cycles} power cycle(s) ${within} did not bring it back`;
  const parts: string[] = [];
  if (ok > 0) parts.push(`${ok} power cycle(s) ${within} did not bring it back`);
  if (failed > 0) {
    const last = attempts.filter((a) => a.result === 'failed').at(-1)?.error;
    parts.push(
      `${failed} attempt(s) ${ok > 0 ? '' : `${within} `}failed at the power device (unreachable or did not switch${last ? `: ${last}` : ''})`,
    );
  }
  if (interrupted > 0)
    parts.push(
      `${interrupted} attempt(s) were interrupted when the watchdog was stopped or killed mid-cycle`,
    );
  if (ok === 0) parts.push('no power cycle is known to have happened');
  return parts.join('; ');
}
