// Power drivers against a real HTTP fake plug on loopback; GPIO by its exact gpioset command lines.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PowerConfig } from '../config-schema.ts';
import { httpRequest } from '../http-client.ts';
import { withRetries } from '../retry.ts';
import { createFakePlug, type FakePlug, type FakePlugOptions } from '../testing/fake-plug.ts';
import { createPowerDriver } from './create.ts';
import { execProgram } from './exec.ts';
import { gpioAssertArgs, gpioReleaseArgs } from './gpio.ts';
import type { DriverDeps, Exec } from './types.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function deps(exec: Exec = execProgram): DriverDeps {
  return {
    http: httpRequest,
    exec,
    sleep,
    settleMs: 100,
    retry: (_what, fn) => withRetries(3, 20, sleep, fn),
  };
}

let plug: FakePlug | undefined;
afterEach(async () => {
  await plug?.close();
  plug = undefined;
});

async function startPlug(opts: FakePlugOptions = {}): Promise<string> {
  plug = createFakePlug(opts);
  const p = plug;
  await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(p.server.address() as AddressInfo).port}`;
}

describe('shelly gen1', () => {
  it('turns off with the plug timer and reads power back on', async () => {
    const url = await startPlug();
    const powers: boolean[] = [];
    plug!.server.on('request', () => powers.push(plug!.isOn()));
    const d = createPowerDriver({ type: 'shelly-gen1', url, channel: 0, hold: 1000 }, 'pve1', deps());
    expect(await d.cycle()).toBe("off for 1 s by the plug's timer; back on");
    expect(plug!.requests).toEqual(['GET /relay/0?turn=off&timer=1', 'GET /relay/0']);
    expect(plug!.isOn()).toBe(true);
  });

  it('turns power on itself when the plug timer does not, and says so', async () => {
    const url = await startPlug({ brokenTimer: true });
    const d = createPowerDriver({ type: 'shelly-gen1', url, channel: 1, hold: 1000 }, 'pve1', deps());
    expect(await d.cycle()).toMatch(/turned on explicitly/);
    expect(plug!.requests).toEqual(['GET /relay/1?turn=off&timer=1', 'GET /relay/1', 'GET /relay/1?turn=on']);
    expect(plug!.isOn()).toBe(true);
  });

  it('retries a failing call, and reports failure once the retries are spent', async () => {
    const url = await startPlug({ failFirst: 2 });
    const d = createPowerDriver({ type: 'shelly-gen1', url, channel: 0, hold: 1000 }, 'pve1', deps());
    await expect(d.cycle()).resolves.toMatch(/back on/);
    await plug!.close();
    const url2 = await startPlug({ failFirst: 3 });
    const d2 = createPowerDriver({ type: 'shelly-gen1', url: url2, channel: 0, hold: 1000 }, 'pve1', deps());
    await expect(d2.cycle()).rejects.toThrow(/failed after 3 attempt\(s\): GET .* answered HTTP 500/);
    expect(plug!.isOn()).toBe(true);
  });

  it('reports an unreachable plug as a failure', async () => {
    const url = await startPlug();
    await plug!.close();
    const d = createPowerDriver({ type: 'shelly-gen1', url, channel: 0, hold: 1000 }, 'pve1', deps());
    await expect(d.cycle()).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('shelly gen2', () => {
  it('uses Switch.Set toggle_after and confirms with Switch.GetStatus', async () => {
    const url = await startPlug();
    const d = createPowerDriver({ type: 'shelly-gen2', url, id: 0, hold: 300 }, 'pve1', deps());
    expect(await d.cycle()).toBe('off for 0.5 s by toggle_after; back on');
    expect(plug!.requests).toEqual([
      'GET /rpc/Switch.Set?id=0&on=false&toggle_after=0.5',
      'GET /rpc/Switch.GetStatus?id=0',
      'GET /rpc/Switch.GetStatus?id=0',
    ]);
  });

  it('switches on explicitly when toggle_after did not', async () => {
    const url = await startPlug({ brokenTimer: true });
    const d = createPowerDriver({ type: 'shelly-gen2', url, id: 0, hold: 600 }, 'pve1', deps());
    expect(await d.cycle()).toMatch(/turned on explicitly/);
    expect(plug!.requests.at(-2)).toBe('GET /rpc/Switch.Set?id=0&on=true');
    expect(plug!.isOn()).toBe(true);
  });
});

describe('shelly gen2 with a password (HTTP digest, SHA-256)', () => {
  it('answers the challenge and cycles', async () => {
    const url = await startPlug({ digestPassword: 's3cret' });
    const d = createPowerDriver(
      { type: 'shelly-gen2', url, id: 0, hold: 300, password: 's3cret' },
      'pve1',
      deps(),
    );
    expect(await d.cycle()).toMatch(/back on/);
    expect(plug!.isOn()).toBe(true);
  });

  it('reports a wrong password as a failure', async () => {
    const url = await startPlug({ digestPassword: 's3cret' });
    const d = createPowerDriver(
      { type: 'shelly-gen2', url, id: 0, hold: 300, password: 'wrong' },
      'pve1',
      deps(),
    );
    await expect(d.cycle()).rejects.toThrow(/answered HTTP 401/);
    expect(plug!.isOn()).toBe(true);
  });
});

describe('tasmota', () => {
  it('sends one Backlog with the Delay in tenths of a second, and reads power back', async () => {
    const url = await startPlug();
    const d = createPowerDriver({ type: 'tasmota', url, relay: 1, hold: 700 }, 'pve1', deps());
    expect(await d.cycle()).toMatch(/Backlog Delay; back on/);
    expect(plug!.requests[0]).toBe(
      `GET /cm?cmnd=${encodeURIComponent('Backlog Power1 Off; Delay 7; Power1 On').replace(/%20/g, '+')}`,
    );
    expect(plug!.requests.slice(1)).toEqual(['GET /cm?cmnd=Power1', 'GET /cm?cmnd=Power1']);
  });
});

describe('pikvm', () => {
  const cfg = (mode: 'reset' | 'power-long' | 'off-on'): PowerConfig => ({
    type: 'pikvm',
    url: '',
    mode,
    hold: 200,
    insecure: true,
    username: 'admin',
    password: 'pw',
  });

  it('reset presses the reset button once', async () => {
    const url = await startPlug();
    const d = createPowerDriver({ ...cfg('reset'), url } as PowerConfig, 'pve1', deps());
    expect(await d.cycle()).toBe('pressed reset');
    expect(plug!.requests).toEqual(['POST /api/atx/click?button=reset&wait=1']);
  });

  it('off-on forces off, waits, powers on and checks the LED', async () => {
    const url = await startPlug();
    const d = createPowerDriver({ ...cfg('off-on'), url } as PowerConfig, 'pve1', deps());
    await d.cycle();
    expect(plug!.requests).toEqual([
      'POST /api/atx/power?action=off_hard&wait=1',
      'GET /api/atx',
      'POST /api/atx/power?action=on&wait=1',
      'GET /api/atx',
    ]);
  });

  it('power-long holds power, then presses power', async () => {
    const url = await startPlug();
    const d = createPowerDriver({ ...cfg('power-long'), url } as PowerConfig, 'pve1', deps());
    await d.cycle();
    expect(plug!.requests.filter((r) => r.startsWith('POST'))).toEqual([
      'POST /api/atx/click?button=power_long&wait=1',
      'POST /api/atx/click?button=power&wait=1',
    ]);
    expect(plug!.isOn()).toBe(true);
  });
});

describe('gpio (libgpiod v1 gpioset command lines; this kernel has no gpio-sim)', () => {
  const gpio = { type: 'gpio' as const, chip: 'gpiochip0', line: 17, activeLow: false, hold: 2500 };

  it('builds the exact argv for assert-for-hold and release', () => {
    expect(gpioAssertArgs(gpio)).toEqual(['--mode=time', '--sec=2', '--usec=500000', 'gpiochip0', '17=1']);
    expect(gpioReleaseArgs(gpio)).toEqual(['gpiochip0', '17=0']);
    const low = { ...gpio, activeLow: true, hold: 10_000 };
    expect(gpioAssertArgs(low)).toEqual([
      '--mode=time',
      '--sec=10',
      '--usec=0',
      '--active-low',
      'gpiochip0',
      '17=1',
    ]);
    expect(gpioReleaseArgs(low)).toEqual(['--active-low', 'gpiochip0', '17=0']);
  });

  it('runs assert then release, and releases even when the assert fails', async () => {
    const calls: string[] = [];
    let fail = false;
    const exec: Exec = async (file, args) => {
      calls.push([file, ...args].join(' '));
      return {
        exitCode: fail && args.includes('17=1') ? 1 : 0,
        stdout: '',
        stderr: fail ? 'gpioset: error requesting GPIO lines: Device or resource busy' : '',
      };
    };
    const d = createPowerDriver(gpio, 'pve1', deps(exec));
    await d.cycle();
    expect(calls).toEqual([
      'gpioset --mode=time --sec=2 --usec=500000 gpiochip0 17=1',
      'gpioset gpiochip0 17=0',
    ]);
    calls.length = 0;
    fail = true;
    await expect(d.cycle()).rejects.toThrow(/Device or resource busy/);
    expect(calls).toEqual([
      'gpioset --mode=time --sec=2 --usec=500000 gpiochip0 17=1',
      'gpioset gpiochip0 17=0',
    ]);
    calls.length = 0;
    await d.ensureOn!();
    expect(calls).toEqual(['gpioset gpiochip0 17=0']);
  });
});

describe('command', () => {
  it('passes the target name and treats exit 0 as done', async () => {
    const d = createPowerDriver(
      { type: 'command', argv: ['sh', '-c', 'test "$BEELAB_TARGET" = pve1'], timeout: 5000 },
      'pve1',
      deps(),
    );
    expect(await d.cycle()).toBe('sh exited 0');
  });

  it('reports a non-zero exit with its stderr, and a timeout', async () => {
    const fail = createPowerDriver(
      { type: 'command', argv: ['sh', '-c', 'echo relay jammed >&2; exit 3'], timeout: 5000 },
      'x',
      deps(),
    );
    await expect(fail.cycle()).rejects.toThrow('sh -c echo relay jammed >&2; exit 3 exited 3: relay jammed');
    const slow = createPowerDriver({ type: 'command', argv: ['sleep', '5'], timeout: 200 }, 'x', deps());
    await expect(slow.cycle()).rejects.toThrow(/timed out after 200 ms/);
  });
});
