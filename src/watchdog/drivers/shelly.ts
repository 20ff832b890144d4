// Shelly plugs, Gen1 (/relay) and Gen2+ (RPC Switch.Set): power off with the plug's own flip-back timer.
import type { PowerConfig } from '../config-schema.ts';
import { withDigestAuth } from '../digest-auth.ts';
import { expectOk, redact } from '../http-client.ts';
import { type DriverDeps, type PowerDriver, SETTLE_MS } from './types.ts';

type Gen1 = Extract<PowerConfig, { type: 'shelly-gen1' }>;
type Gen2 = Extract<PowerConfig, { type: 'shelly-gen2' }>;

const CALL_TIMEOUT = 5000;

function base(url: string, username?: string, password?: string): string {
  const u = new URL(url);
  if (username) {
    u.username = username;
    u.password = password ?? '';
  }
  return u.toString().replace(/\/$/, '');
}

/** Gen1: `GET /relay/N?turn=off&timer=S` turns off and the plug itself turns back on after S seconds. */
export function shellyGen1Driver(cfg: Gen1, deps: DriverDeps): PowerDriver {
  const root = base(cfg.url, cfg.username, cfg.password);
  const seconds = Math.max(1, Math.ceil(cfg.hold / 1000));
  const relay = async (query: string) => {
    const body = (await expectOk(deps.http, {
      url: `${root}/relay/${cfg.channel}${query}`,
      timeoutMs: CALL_TIMEOUT,
    })) as {
      ison?: unknown;
    };
    if (typeof body?.ison !== 'boolean')
      throw new Error(`unexpected answer from ${redact(cfg.url)}: ${JSON.stringify(body)}`);
    return body.ison;
  };
  return {
    label: `shelly-gen1 ${redact(cfg.url)} relay ${cfg.channel}`,
    holdMs: seconds * 1000,
    async cycle() {
      const ison = await deps.retry('shelly off with timer', () => relay(`?turn=off&timer=${seconds}`));
      if (ison) throw new Error('plug still reports on after turn=off');
      await deps.sleep(seconds * 1000 + (deps.settleMs ?? SETTLE_MS));
      if (await deps.retry('shelly read back', () => relay('')))
        return `off for ${seconds} s by the plug's timer; back on`;
      // The timer did not bring power back: turn it on ourselves, and say so.
      const on = await deps.retry('shelly turn on', () => relay('?turn=on'));
      if (!on) throw new Error('power did not come back after the timer, and turn=on failed');
      return `off for ${seconds} s; the plug's timer did not restore power, turned on explicitly`;
    },
  };
}

/** Gen2+: `Switch.Set` with `toggle_after`, the device's own flip-back timer; read back with `Switch.GetStatus`. */
export function shellyGen2Driver(cfg: Gen2, deps: DriverDeps): PowerDriver {
  const root = base(cfg.url);
  const seconds = Math.max(0.5, cfg.hold / 1000);
  const http = cfg.password ? withDigestAuth(deps.http, 'admin', cfg.password) : deps.http;
  const rpc = async (method: string, params: string) =>
    (await expectOk(http, {
      url: `${root}/rpc/${method}?id=${cfg.id}${params}`,
      timeoutMs: CALL_TIMEOUT,
    })) as Record<string, unknown>;
  const output = async () => {
    const status = await rpc('Switch.GetStatus', '');
    if (typeof status?.output !== 'boolean')
      throw new Error(`unexpected Switch.GetStatus answer: ${JSON.stringify(status)}`);
    return status.output;
  };
  return {
    label: `shelly-gen2 ${redact(cfg.url)} switch ${cfg.id}`,
    holdMs: seconds * 1000,
    async cycle() {
      const set = await deps.retry('Switch.Set off', () =>
        rpc('Switch.Set', `&on=false&toggle_after=${seconds}`),
      );
      if (typeof set?.was_on !== 'boolean')
        throw new Error(`unexpected Switch.Set answer: ${JSON.stringify(set)}`);
      if (await deps.retry('Switch.GetStatus', output))
        throw new Error('switch still reports on after Switch.Set on=false');
      await deps.sleep(seconds * 1000 + (deps.settleMs ?? SETTLE_MS));
      if (await deps.retry('Switch.GetStatus', output))
        return `off for ${seconds} s by toggle_after; back on`;
      await deps.retry('Switch.Set on', () => rpc('Switch.Set', '&on=true'));
      if (!(await deps.retry('Switch.GetStatus', output)))
        throw new Error('power did not come back after toggle_after, nor after on=true');
      return `off for ${seconds} s; toggle_after did not restore power, turned on explicitly`;
    },
  };
}
