// The engine with a manual clock, a scripted network, a recording driver and a memory (or real file) store.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import type { ProbeRunner } from '../probe/run-probe.ts';
import type { AlertEvent } from './alerts.ts';
import type { WatchdogConfig } from './config-schema.ts';
import type { PowerDriver } from './drivers/types.ts';
import type { HttpClient } from './http-client.ts';
import { parseWatchdogConfig } from './load-config.ts';
import type { LogLevel } from './logger.ts';
import { fileStateStore, memoryStateStore, type StateStore } from './state-store.ts';
import { createWatchdog } from './watchdog.ts';

const CONFIG = `
selfCheck: { probes: [{ kind: icmp, host: 10.250.0.1 }] }
defaults:
  interval: 1s
  failAfter: 3
  recoverAfter: 2
  bootGrace: 10s
  restartGrace: 5s
  backoff: { initial: 60s, factor: 2, max: 10m }
  maxCycles: 2
  window: 1h
  retries: 1
targets:
  - name: pve1
    probes: [{ kind: tcp, host: 10.250.0.2, port: 22 }]
    power: { type: shelly-gen1, url: http://10.250.0.9, hold: 2s }
`;

function harness(
  opts: { config?: WatchdogConfig; store?: StateStore; restartOk?: boolean; flag?: string[] | null } = {},
) {
  const config = opts.config ?? parseWatchdogConfig(CONFIG, 'test.yaml');
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12, 0, 0)); // a Monday, noon UTC
  const net = { target: true, self: true };
  const probe: ProbeRunner = async (spec) => {
    const host = 'host' in spec ? spec.host : spec.url;
    const up = host === '10.250.0.1' ? net.self : net.target;
    return { state: up ? 'up' : 'down', ms: 1, detail: up ? 'ok' : 'timeout' };
  };
  const cycles: number[] = [];
  let driverFails = false;
  const driver: PowerDriver = {
    label: 'fake plug',
    holdMs: 2000,
    cycle: async () => {
      cycles.push(clock.wall());
      if (driverFails) throw new Error('plug unreachable');
      return 'done';
    },
  };
  const alerts: AlertEvent[] = [];
  const logs: { level: LogLevel; msg: string; fields?: Record<string, unknown> }[] = [];
  const restarts: string[] = [];
  const http: HttpClient = async (req) => {
    restarts.push(`${req.method} ${req.url}`);
    return { status: opts.restartOk === false ? 500 : 200, body: '{}' };
  };
  let flag = opts.flag ?? null;
  const store = opts.store ?? memoryStateStore();
  const wd = createWatchdog(config, {
    clock,
    probe,
    store,
    alerts: { send: (e) => alerts.push(e), drain: async () => {} },
    log: (level, msg, fields) => logs.push({ level, msg, fields }),
    driverDeps: {
      http,
      exec: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
      sleep: async () => {},
      retry: (_w, fn) => fn(),
    },
    driverFor: (t) => (t.power ? driver : undefined),
    readFlag: async () => flag,
    carrier: () => undefined, // no carrier information: the reachability checks alone judge the link
  });
  /** Runs `n` ticks of pve1, one interval apart. */
  const run = async (n: number, target = 'pve1') => {
    for (let i = 0; i < n; i++) {
      clock.advance(1000);
      await wd.tick(target);
    }
  };
  return {
    wd,
    net,
    cycles,
    alerts,
    logs,
    restarts,
    store,
    run,
    advance: (ms: number) => clock.advance(ms),
    /** The wall clock jumps; monotonic time does not. */
    jump: (ms: number) => clock.jumpWall(ms),
    now: () => clock.wall(),
    setFlag: (f: string[] | null) => {
      flag = f;
    },
    failDriver: (v: boolean) => {
      driverFails = v;
    },
  };
}

describe('watchdog engine', () => {
  it('cycles exactly once after N failures past the boot grace, then sees the recovery', async () => {
    const h = harness();
    await h.wd.init();
    h.net.target = false;
    await h.run(9); // t = 1..9 s: inside the 10 s start-up grace
    expect(h.cycles).toEqual([]);
    await h.run(2);
    expect(h.cycles).toEqual([]);
    await h.run(1); // third counted failure
    expect(h.cycles).toHaveLength(1);
    expect(h.alerts.map((a) => a.type)).toEqual(['failed', 'cycle']);
    await h.run(20); // boot grace after the cycle; then back-off keeps it from cycling again
    expect(h.cycles).toHaveLength(1);
    h.net.target = true;
    await h.run(2);
    expect(h.alerts.map((a) => a.type)).toEqual(['failed', 'cycle', 'recovered']);
    expect(h.wd.states().pve1).toMatchObject({ phase: 'healthy', cycles: [h.cycles[0]] });
    expect(h.wd.metrics.render()).toContain(
      'beelab_watchdog_actions_total{target="pve1",rung="power",result="ok"} 1',
    );
  });

  it('neither counts failures nor acts while its own link is down; needs fresh failures once it is back', async () => {
    const h = harness();
    await h.wd.init();
    h.advance(10_000);
    h.net.target = false;
    h.net.self = false;
    await h.run(10);
    expect(h.cycles).toEqual([]);
    expect(h.wd.states().pve1).toMatchObject({ phase: 'healthy', failures: 0 });
    expect(h.logs.filter((l) => l.msg === 'action held back')).toHaveLength(1);
    expect(h.logs.filter((l) => l.msg.startsWith('own link down'))).toHaveLength(1);
    expect(h.wd.metrics.render()).toContain('beelab_watchdog_self_link_up 0');
    expect(h.wd.metrics.render()).toMatch(
      /skipped_actions_total\{target="pve1",reason="self-link-down"\} 10/,
    );
    h.net.self = true;
    await h.run(2);
    expect(h.cycles).toEqual([]);
    await h.run(1);
    expect(h.cycles).toHaveLength(1);
    expect(h.logs.filter((l) => l.msg === 'own link back')).toHaveLength(1);
  });

  it('holds back for the maintenance flag file (all, or listed targets only)', async () => {
    const h = harness({ flag: [] });
    await h.wd.init();
    h.advance(10_000);
    h.net.target = false;
    await h.run(5);
    expect(h.cycles).toEqual([]);
    h.setFlag(['other-host']);
    await h.run(1);
    expect(h.cycles).toHaveLength(1);
  });

  it('holds back inside a maintenance window', async () => {
    const config = parseWatchdogConfig(
      `${CONFIG}\nmaintenance: { windows: [{ start: "00:00", end: "23:59", targets: [pve1] }] }\n`,
      'test.yaml',
    );
    const h = harness({ config });
    await h.wd.init();
    h.advance(10_000);
    h.net.target = false;
    await h.run(5);
    expect(h.cycles).toEqual([]);
    expect(h.logs.find((l) => l.msg === 'action held back')?.fields).toMatchObject({
      reason: 'maintenance-window',
    });
  });

  it('restarts first, waits the restart grace, then power-cycles', async () => {
    const config = parseWatchdogConfig(
      CONFIG.replace(
        '    power:',
        '    restart: { type: http, url: http://10.250.0.2:8080/restart }\n    power:',
      ),
      'test.yaml',
    );
    const h = harness({ config });
    await h.wd.init();
    h.advance(10_000);
    h.net.target = false;
    await h.run(3);
    expect(h.restarts).toEqual(['POST http://10.250.0.2:8080/restart']);
    expect(h.cycles).toEqual([]);
    await h.run(4); // restart grace 5 s
    expect(h.cycles).toEqual([]);
    await h.run(3);
    expect(h.cycles).toHaveLength(1);
    expect(h.alerts.map((a) => a.type)).toEqual(['failed', 'restart', 'cycle']);
  });

  it('reports a failed driver, never assumes it worked, and retries after the back-off', async () => {
    const h = harness();
    await h.wd.init();
    h.advance(10_000);
    h.net.target = false;
    h.failDriver(true);
    await h.run(3);
    expect(h.cycles).toHaveLength(1);
    expect(h.alerts.at(-1)).toMatchObject({ type: 'action-failed' });
    expect(h.alerts.at(-1)?.message).toMatch(/FAILED: Error: plug unreachable/);
    await h.run(30);
    expect(h.cycles).toHaveLength(1); // back-off 60 s (+ hold)
    h.failDriver(false);
    await h.run(35);
    expect(h.cycles).toHaveLength(2);
  });

  it('gives up after maxCycles in the window, alerts once, and acts no more', async () => {
    const h = harness();
    await h.wd.init();
    h.advance(10_000);
    h.net.target = false;
    await h.run(3);
    h.advance(120_000);
    await h.run(3);
    expect(h.cycles).toHaveLength(2);
    h.advance(600_000);
    await h.run(10);
    h.advance(3_600_000 * 5); // even after the window has slid past
    await h.run(10);
    expect(h.cycles).toHaveLength(2);
    expect(h.alerts.filter((a) => a.type === 'gave-up')).toHaveLength(1);
    expect(h.logs.find((l) => l.level === 'error')?.msg).toMatch(
      /^GIVING UP on pve1: 2 power cycle\(s\) within 1 h did not bring it back; no further action/,
    );
    h.net.target = true;
    await h.run(2);
    expect(h.wd.states().pve1?.phase).toBe('healthy');
  });

  it('gives up promptly and says no cycle happened when the plug never switched', async () => {
    const h = harness();
    await h.wd.init();
    h.advance(10_000);
    h.net.target = false;
    h.failDriver(true);
    await h.run(3); // first attempt fails; back-off 60 s
    h.advance(62_000);
    await h.run(3); // second attempt fails: the cap (2) is reached
    expect(h.cycles).toHaveLength(2);
    const at = h.now();
    await h.run(3); // three fresh failures: give up now, not after the next back-off
    const gaveUp = h.alerts.find((a) => a.type === 'gave-up');
    expect(gaveUp).toBeDefined();
    expect(Date.parse(gaveUp!.time) - at).toBeLessThanOrEqual(3000);
    expect(gaveUp!.message).toBe(
      'GIVING UP on pve1: 2 attempt(s) within 1 h failed at the power device (unreachable or did not switch: Error: plug unreachable); no power cycle is known to have happened; no further action until it recovers or its state is reset',
    );
  });

  it('mentions a cycle interrupted by a kill, and prints short windows in minutes', async () => {
    const config = parseWatchdogConfig(CONFIG.replace('window: 1h', 'window: 20m'), 'test.yaml');
    const store = memoryStateStore();
    const first = harness({ config, store });
    await first.wd.init();
    first.advance(10_000);
    first.net.target = false;
    await first.run(3);
    expect(first.cycles).toHaveLength(1);
    // The saved state as a watchdog killed between the write-ahead and the driver's answer leaves it.
    const saved = await store.load();
    saved.pve1!.attempts = saved.pve1!.attempts!.map((a) => ({ ...a, result: 'pending' as const }));
    await store.save(saved);
    const second = harness({ config, store });
    second.advance(first.now() - second.now() + 1000);
    await second.wd.init();
    expect(second.logs.some((l) => l.msg.startsWith('a power cycle was interrupted'))).toBe(true);
    second.net.target = false;
    second.advance(80_000);
    await second.run(3);
    expect(second.cycles).toHaveLength(1);
    second.advance(15_000); // past the boot grace after that cycle (hold 2 s + 10 s)
    await second.run(3);
    expect(second.alerts.find((a) => a.type === 'gave-up')?.message).toBe(
      'GIVING UP on pve1: 1 power cycle(s) within 20 min did not bring it back; 1 attempt(s) were interrupted when the watchdog was stopped or killed mid-cycle; no further action until it recovers or its state is reset',
    );
  });

  it('re-arms the boot grace when the wall clock jumps (NTP after boot)', async () => {
    const h = harness();
    await h.wd.init();
    h.jump(3_600_000); // an hour forward: the start-up grace would otherwise be over at once
    h.net.target = false;
    await h.run(5);
    expect(h.cycles).toEqual([]);
    expect(h.logs.find((l) => l.msg.startsWith('wall clock jumped'))?.fields).toMatchObject({
      jumpMs: 3_600_000,
    });
    await h.run(10 + 3);
    expect(h.cycles).toHaveLength(1);
  });

  describe('state survives a restart of the watchdog', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-wd-state-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps back-off and cycle count in an atomically written file', async () => {
      const file = join(dir, 'sub', 'state.json');
      const first = harness({ store: fileStateStore(file) });
      await first.wd.init();
      first.advance(10_000);
      first.net.target = false;
      await first.run(3);
      expect(first.cycles).toHaveLength(1);
      expect(readdirSync(join(dir, 'sub'))).toEqual(['state.json']);

      // A new process, 30 s later, target still down: grace, then back-off, must hold it back.
      const second = harness({ store: fileStateStore(file) });
      second.advance(first.now() - second.now() + 30_000);
      await second.wd.init();
      second.net.target = false;
      await second.run(25);
      expect(second.cycles).toEqual([]);
      expect(second.wd.states().pve1).toMatchObject({ phase: 'down', incidentCycles: 1 });
      expect(second.wd.states().pve1?.cycles).toHaveLength(1);
      await second.run(10);
      expect(second.cycles).toHaveLength(1); // back-off (62 s after the first cycle) has passed
      expect(second.wd.states().pve1?.cycles).toHaveLength(2);
    });
  });
});
