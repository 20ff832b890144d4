// Safety: a healthy machine is never power-cycled because the watchdog's own link went away. A manual clock
// runs through probes that take time; the own link follows a timeline of outages placed at every point of a
// probe's life. Probes fail whenever the link is down at any moment of them; a reference check passes when
// the link is up at its end (the kindest reading for a check, the hardest for the watchdog).
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import type { ProbeRunner } from '../probe/run-probe.ts';
import type { AlertEvent } from './alerts.ts';
import type { PowerDriver } from './drivers/types.ts';
import { parseWatchdogConfig } from './load-config.ts';
import type { LogLevel } from './logger.ts';
import { carrierUp, sysfsCarrier } from './own-link.ts';
import { memoryStateStore } from './state-store.ts';
import { createWatchdog } from './watchdog.ts';

const START = Date.UTC(2026, 0, 5, 12, 0, 0);
const PROBE_MS = 300; // a healthy target answers in this long
const CHECK_MS = 20;

interface Options {
  failAfter: number;
  /** The kernel sees the cuts (a local link); false: an upstream cut with the carrier up. */
  carrier: boolean;
  /** Outages of the own link, [from, to) in ms after START. */
  outages: [number, number][];
  /** Whether the target is really dead, as a function of time. */
  dead?: (t: number) => boolean;
  /** Probe interval and deadline (a failing probe takes the whole deadline); default 1s and 500ms. */
  interval?: number;
  timeout?: number;
  /**
   * A target probe needs the link up this long before it too: after an outage, neighbour resolution and
   * TCP's SYN retransmits keep a probe failing for a while, while a ping of the gateway already passes.
   */
  settle?: number;
}

function harness(o: Options) {
  const interval = o.interval ?? 1000;
  const timeout = o.timeout ?? 500;
  const config = parseWatchdogConfig(
    `selfCheck: { probes: [{ kind: icmp, host: 10.250.0.1 }] }
defaults: { interval: ${interval}ms, timeout: ${timeout}ms, failAfter: ${o.failAfter}, recoverAfter: 2, bootGrace: 2s, maxCycles: 5, window: 1h, backoff: { initial: 1s, factor: 1, max: 1s }, retries: 1 }
targets:
  - name: box
    probes: [{ kind: tcp, host: 10.250.0.2, port: 22 }]
    power: { type: shelly-gen1, url: http://10.250.0.9, hold: 1s }
`,
    'own-link.yaml',
  );
  const clock = new ManualClock(START);
  /** Milliseconds after START. */
  const now = () => clock.monotonic();
  const down = (at: number) => o.outages.some(([a, b]) => at >= a && at < b);
  const downDuring = (a: number, b: number) => down(a) || o.outages.some(([x, y]) => x < b && y > a);
  const changes = (at: number) =>
    o.outages.reduce((n, [a, b]) => n + (a <= at ? 1 : 0) + (b <= at ? 1 : 0), 0);
  const probe: ProbeRunner = async (spec) => {
    const begin = now();
    if ('host' in spec && spec.host === '10.250.0.1') {
      clock.advance(CHECK_MS);
      const up = !down(now());
      return { state: up ? 'up' : 'down', ms: CHECK_MS, detail: up ? 'reply' : 'timeout' };
    }
    const ok = !o.dead?.(begin) && !downDuring(begin - (o.settle ?? 0), begin + PROBE_MS);
    clock.advance(ok ? PROBE_MS : timeout);
    return { state: ok ? 'up' : 'down', ms: now() - begin, detail: ok ? 'open' : 'timeout' };
  };
  const cycles: number[] = [];
  const driver: PowerDriver = {
    label: 'fake plug',
    holdMs: 1000,
    cycle: async () => {
      cycles.push(now());
      return 'done';
    },
  };
  const alerts: AlertEvent[] = [];
  const logs: { level: LogLevel; msg: string; at: number }[] = [];
  const wd = createWatchdog(config, {
    clock,
    probe,
    store: memoryStateStore(),
    alerts: { send: (e) => alerts.push(e), drain: async () => {} },
    log: (level, msg) => logs.push({ level, msg, at: now() }),
    driverDeps: {
      http: async () => ({ status: 200, body: '' }),
      exec: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
      sleep: async () => {},
      retry: (_w, fn) => fn(),
    },
    driverFor: () => driver,
    readFlag: async () => null,
    carrier: o.carrier ? () => `eth0:${down(now()) ? 0 : 1}:${changes(now())}` : () => undefined,
  });
  /** Rounds as the loop runs them: a tick, then `interval` of sleep. Returns the failures seen per round. */
  const rounds = async (until: number) => {
    const seen: number[] = [];
    while (now() < until) {
      await wd.tick('box');
      seen.push(wd.states().box!.failures);
      clock.advance(interval);
    }
    return seen;
  };
  return {
    wd,
    cycles,
    alerts,
    logs,
    rounds,
    at: (ms: number) => clock.advance(ms - now()),
    skipped: () => {
      const m = /reason="self-link-down"\} (\d+)/.exec(wd.metrics.render());
      return Number(m?.[1] ?? 0);
    },
  };
}

describe('own link: a failure counts only if the link was up for the whole probe', () => {
  // One outage slid across a probe round in 25 ms steps: before it, over its start, inside it, over its
  // end, over the check after it, and after it. With failAfter 1 a single wrongly counted failure would
  // power-cycle the (healthy) target at once.
  for (const width of [50, 250, 700]) {
    it(`never counts a failure of a healthy target around a ${width} ms outage of a local link`, async () => {
      let failedRounds = 0;
      for (let offset = -1500; offset <= 1500; offset += 25) {
        const roundAt = 5000; // after the 2 s start-up grace
        const h = harness({
          failAfter: 1,
          carrier: true,
          outages: [[roundAt + offset, roundAt + offset + width]],
        });
        await h.wd.init();
        h.at(roundAt - 3000);
        const seen = await h.rounds(roundAt + 6000);
        expect({ offset, cycles: h.cycles, failures: Math.max(...seen) }).toEqual({
          offset,
          cycles: [],
          failures: 0,
        });
        expect(h.alerts).toEqual([]);
        failedRounds += h.skipped();
      }
      // The sweep really made probes fail (and hold back) — it is not vacuous.
      expect(failedRounds).toBeGreaterThan(10);
    });
  }

  it('upstream cuts (carrier up) are judged by the checks before and after each round', async () => {
    // Outages longer than a probe: any round they touch is bracketed by a failed check.
    for (let offset = -1500; offset <= 1500; offset += 25) {
      const h = harness({ failAfter: 1, carrier: false, outages: [[5000 + offset, 5000 + offset + 1200]] });
      await h.wd.init();
      h.at(2000);
      await h.rounds(12_000);
      expect({ offset, cycles: h.cycles, alerts: h.alerts.length }).toEqual({
        offset,
        cycles: [],
        alerts: 0,
      });
    }
  });

  const flapping = (phase: number) => {
    const outages: [number, number][] = [];
    for (let a = 3000 + phase; a < 2_000_000; a += 5200) outages.push([a, a + 4500]);
    return outages;
  };

  it('a flapping local link (4.5 s down, 0.7 s up) never cycles a healthy target, even when a failing probe outlasts an outage', async () => {
    // interval 10s, timeout 5s: a probe that starts just before an outage fails after 5 s, when the link
    // is up again, so the checks before and after it both pass; the carrier says what happened in between.
    for (const [interval, timeout] of [
      [10_000, 5000],
      [1000, 500],
      [7000, 4900],
      [5000, 4900],
      [2000, 1900],
      [3000, 2000],
      [6000, 5000],
      [15000, 5000],
      [1500, 1000],
      [4000, 3000],
    ] as const) {
      for (let phase = 0; phase < 5200; phase += 100) {
        const h = harness({
          failAfter: 3,
          carrier: true,
          interval,
          timeout,
          settle: 1000,
          outages: flapping(phase),
        });
        await h.wd.init();
        await h.rounds(interval * 120);
        expect({ interval, phase, cycles: h.cycles, alerts: h.alerts }).toEqual({
          interval,
          phase,
          cycles: [],
          alerts: [],
        });
        expect(h.skipped()).toBeGreaterThan(10);
      }
    }
  });

  it('an upstream flap (carrier up) is caught by the checks when the probe deadline is shorter than an outage', async () => {
    for (let phase = 0; phase < 5200; phase += 100) {
      const h = harness({
        failAfter: 3,
        carrier: false,
        interval: 2000,
        timeout: 1000,
        settle: 1000,
        outages: flapping(phase),
      });
      await h.wd.init();
      await h.rounds(400_000);
      expect({ phase, cycles: h.cycles, alerts: h.alerts }).toEqual({ phase, cycles: [], alerts: [] });
      expect(h.skipped()).toBeGreaterThan(50);
    }
  });

  it('a cut in the middle of a real failure run: the count starts again from zero after the link returns', async () => {
    // The target dies at 10 s; failAfter 6. Three failures are counted, then the link is out for 5 s.
    const h = harness({ failAfter: 6, carrier: true, outages: [[14_700, 19_700]], dead: (t) => t >= 10_000 });
    await h.wd.init();
    h.at(10_000);
    const seen = await h.rounds(14_600);
    expect(seen).toEqual([1, 2, 3]);
    await h.rounds(20_000);
    expect(h.wd.states().box).toMatchObject({ failures: 0, phase: 'healthy' });
    expect(h.cycles).toEqual([]);
    // Six fresh failures after the link is back, and only then one cycle.
    const after = await h.rounds(29_000);
    const sixth = after.indexOf(6);
    expect(after.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 0]); // the sixth counted failure triggers the cycle
    expect(sixth).toBe(-1);
    expect(h.cycles).toHaveLength(1);
    expect(h.alerts.map((a) => a.type)).toEqual(['failed', 'cycle']);
  });

  it('the own-link state recovers: "own link back" is logged and the gauge returns to 1 with healthy targets', async () => {
    const h = harness({ failAfter: 3, carrier: false, outages: [[5000, 9000]] });
    await h.wd.init();
    await h.rounds(7000);
    expect(h.wd.metrics.render()).toContain('beelab_watchdog_self_link_up 0');
    expect(h.logs.filter((l) => l.msg.startsWith('own link down'))).toHaveLength(1);
    await h.rounds(12_000);
    expect(h.logs.filter((l) => l.msg === 'own link back')).toHaveLength(1);
    expect(h.logs.find((l) => l.msg === 'own link back')!.at).toBeGreaterThanOrEqual(9000);
    expect(h.wd.metrics.render()).toContain('beelab_watchdog_self_link_up 1');
  });
});

describe('carrier snapshots', () => {
  it('reads sysfs, and an interface that refuses the read counts as no carrier', () => {
    const snap = sysfsCarrier(['lo', 'no-such-if0'])();
    expect(snap).toMatch(/^lo:(1|x):\d+|x,no-such-if0:x:x$/);
    expect(carrierUp('eth0:1:4,wlan0:0:2')).toBe(true);
    expect(carrierUp('eth0:0:5')).toBe(false);
    expect(carrierUp('eth0:x:x')).toBe(false);
    expect(carrierUp(undefined)).toBe(true);
  });
});
