// Tasmota plugs: one Backlog (off; Delay; on) executed by the plug, so power returns even if we die mid-cycle.
import type { PowerConfig } from '../config-schema.ts';
import { expectOk, redact } from '../http-client.ts';
import { type DriverDeps, type PowerDriver, SETTLE_MS } from './types.ts';

type TasmotaConfig = Extract<PowerConfig, { type: 'tasmota' }>;

/** The Backlog command; Delay counts tenths of a second. */
export function tasmotaBacklog(cfg: TasmotaConfig): string {
  return `Backlog Power${cfg.relay} Off; Delay ${Math.round(cfg.hold / 100)}; Power${cfg.relay} On`;
}

export function tasmotaDriver(cfg: TasmotaConfig, deps: DriverDeps): PowerDriver {
  const root = cfg.url.replace(/\/$/, '');
  const command = async (cmnd: string) => {
    const q = new URLSearchParams({
      ...(cfg.username ? { user: cfg.username, password: cfg.password ?? '' } : {}),
      cmnd,
    });
    const body = await expectOk(deps.http, { url: `${root}/cm?${q}`, timeoutMs: 5000 });
    if (typeof body === 'object' && body && 'Command' in body)
      throw new Error(`tasmota refused "${cmnd}": ${JSON.stringify(body)}`);
    return body as Record<string, unknown>;
  };
  const power = async (): Promise<boolean> => {
    const body = await command(`Power${cfg.relay}`);
    const value = body[`POWER${cfg.relay}`] ?? (cfg.relay === 1 ? body.POWER : undefined);
    if (value !== 'ON' && value !== 'OFF')
      throw new Error(`unexpected Power answer: ${JSON.stringify(body)}`);
    return value === 'ON';
  };
  return {
    label: `tasmota ${redact(cfg.url)} relay ${cfg.relay}`,
    holdMs: cfg.hold,
    async cycle() {
      await deps.retry('tasmota backlog', () => command(tasmotaBacklog(cfg)));
      await deps.sleep(Math.min(500, cfg.hold / 2));
      if (await deps.retry('tasmota read', power))
        throw new Error('relay still reports ON right after the Backlog');
      await deps.sleep(cfg.hold + (deps.settleMs ?? SETTLE_MS));
      if (await deps.retry('tasmota read', power))
        return `off for ${cfg.hold} ms by the plug's Backlog Delay; back on`;
      await deps.retry('tasmota on', () => command(`Power${cfg.relay} On`));
      if (!(await deps.retry('tasmota read', power)))
        throw new Error('power did not come back after the Backlog, nor after Power On');
      return `off for ${cfg.hold} ms; the Backlog did not restore power, turned on explicitly`;
    },
  };
}
