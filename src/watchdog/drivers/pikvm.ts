// PiKVM ATX API: reset button, long power press, or ATX off/on; read back the power LED.
import type { PowerConfig } from '../config-schema.ts';
import { expectOk, redact } from '../http-client.ts';
import { type DriverDeps, type PowerDriver, SETTLE_MS } from './types.ts';

type PikvmConfig = Extract<PowerConfig, { type: 'pikvm' }>;

/** The API calls of each mode, in order; `hold` sits between the first and the second. Exported for tests and docs. */
export function pikvmCalls(mode: PikvmConfig['mode']): string[] {
  switch (mode) {
    case 'reset':
      return ['/api/atx/click?button=reset&wait=1'];
    case 'power-long':
      return ['/api/atx/click?button=power_long&wait=1', '/api/atx/click?button=power&wait=1'];
    case 'off-on':
      return ['/api/atx/power?action=off_hard&wait=1', '/api/atx/power?action=on&wait=1'];
  }
}

export function pikvmDriver(cfg: PikvmConfig, deps: DriverDeps): PowerDriver {
  const root = cfg.url.replace(/\/$/, '');
  const headers: Record<string, string> = cfg.username
    ? { 'X-KVMD-User': cfg.username, 'X-KVMD-Passwd': cfg.password ?? '' }
    : {};
  const call = async (method: string, path: string, timeoutMs = 15_000) => {
    const body = (await expectOk(deps.http, {
      url: `${root}${path}`,
      method,
      headers,
      timeoutMs,
      insecure: cfg.insecure,
    })) as {
      ok?: unknown;
      result?: { leds?: { power?: unknown } };
    };
    if (body?.ok !== true)
      throw new Error(`PiKVM ${path} did not answer ok: ${JSON.stringify(body).slice(0, 200)}`);
    return body;
  };
  const powerLed = async () => {
    const led = (await call('GET', '/api/atx', 5000)).result?.leds?.power;
    if (typeof led !== 'boolean') throw new Error('PiKVM /api/atx has no power LED state');
    return led;
  };
  const [first, second] = pikvmCalls(cfg.mode);
  return {
    label: `pikvm ${redact(cfg.url)} ${cfg.mode}`,
    holdMs: cfg.mode === 'reset' ? 0 : cfg.hold,
    async cycle() {
      // The ATX presses are not idempotent (a second power click turns the host off), so only reads are retried.
      await call('POST', first!);
      if (!second) return 'pressed reset';
      await deps.sleep(cfg.hold);
      if (await deps.retry('pikvm power led', powerLed))
        throw new Error('power LED still on after forcing off; not pressing power again');
      await call('POST', second);
      await deps.sleep(deps.settleMs ?? SETTLE_MS);
      if (!(await deps.retry('pikvm power led', powerLed)))
        throw new Error('power LED still off after power-on');
      return `${cfg.mode}: off for ${cfg.hold} ms; power LED back on`;
    },
  };
}
