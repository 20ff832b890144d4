// The gentle rung: a restart command or HTTP call before any power is cut.
import type { RestartConfig } from './config-schema.ts';
import { runCommand } from './drivers/command.ts';
import type { DriverDeps } from './drivers/types.ts';
import { expectOk, redact } from './http-client.ts';

export async function runRestart(cfg: RestartConfig, target: string, deps: DriverDeps): Promise<string> {
  if (cfg.type === 'command') return runCommand(deps.exec, cfg.argv, cfg.timeout, target);
  await deps.retry('restart call', () =>
    expectOk(
      deps.http,
      {
        url: cfg.url,
        method: cfg.method,
        headers: cfg.headers,
        body: cfg.body,
        timeoutMs: cfg.timeout,
        insecure: cfg.insecure,
      },
      cfg.expectStatus,
    ),
  );
  return `${cfg.method} ${redact(cfg.url)} accepted`;
}
