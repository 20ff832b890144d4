// `beelab watchdog`: load the config, wire the real clock, network, drivers and files, run until SIGTERM.
import { stat } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import { systemClock } from '../kernel/clock.ts';
import { formatDuration } from '../kernel/duration.ts';
import { createAlertSender } from './alerts.ts';
import type { WatchdogConfig } from './config-schema.ts';
import { execProgram } from './drivers/exec.ts';
import { httpRequest } from './http-client.ts';
import { loadWatchdogConfig, resolveTargets } from './load-config.ts';
import { jsonLogger, type Logger } from './logger.ts';
import { readFlagFile } from './maintenance.ts';
import { WatchdogMetrics } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';
import { ladderOf } from './state-machine.ts';
import { fileStateStore } from './state-store.ts';
import { renderSystemdUnit } from './systemd-unit.ts';
import { createWatchdog } from './watchdog.ts';

export interface WatchdogOptions {
  config?: string;
  check?: boolean;
  reset?: string[];
  printUnit?: boolean;
  bundle?: string;
  node?: string;
  entry?: string;
  gpioChip?: string[];
}

export async function runWatchdogCommand(opts: WatchdogOptions): Promise<void> {
  if (opts.printUnit) {
    process.stdout.write(
      renderSystemdUnit({
        node: opts.node,
        entry: opts.entry,
        config: opts.config,
        gpioChips: opts.gpioChip,
      }),
    );
    return;
  }
  if (opts.bundle) {
    const { bundleWatchdog } = await import('./bundle.ts');
    const bytes = await bundleWatchdog(opts.bundle);
    process.stdout.write(
      `wrote ${opts.bundle} (${Math.round(bytes / 1024)} KiB); run it with: node ${opts.bundle} --config FILE\n`,
    );
    return;
  }
  await runWatchdog(opts);
}

/**
 * --check, --reset, or run: all the Pi bundle's entry calls, so the bundle carries neither the unit
 * renderer nor the bundler.
 */
export async function runWatchdog(opts: Pick<WatchdogOptions, 'config' | 'check' | 'reset'>): Promise<void> {
  if (!opts.config)
    throw new UserError('--config FILE is required', [
      'Example: beelab watchdog --config /etc/beelab-watchdog/watchdog.yaml',
    ]);
  const config = await loadWatchdogConfig(opts.config);
  if (opts.check) {
    for (const t of resolveTargets(config)) {
      const p = t.policy;
      const ladder = ladderOf(t).join(' → ') || 'alert only';
      process.stdout.write(
        `${t.name}: ${t.probes.length} probe(s) every ${formatDuration(p.interval)}; down after ${p.failAfter}, up after ${p.recoverAfter}; ` +
          `ladder ${ladder}${t.power ? ` (${t.power.type})` : ''}; grace ${formatDuration(p.bootGrace)}; ` +
          `at most ${p.maxCycles} cycles per ${formatDuration(p.window)}\n`,
      );
    }
    process.stdout.write(`${opts.config}: ok\n`);
    return;
  }
  const store = fileStateStore(config.stateFile);
  if (opts.reset) {
    const states = await store.load();
    const names = opts.reset.length > 0 ? opts.reset : Object.keys(states);
    for (const name of names) {
      if (!states[name]) throw new UserError(`no saved state for target "${name}" in ${config.stateFile}`);
      delete states[name];
    }
    await store.save(states);
    process.stdout.write(`reset ${names.join(', ') || 'nothing'} in ${config.stateFile}\n`);
    return;
  }

  const log = jsonLogger(config.logLevel);
  await warnIfSecretsReadable(opts.config, config, log);
  const metrics = new WatchdogMetrics();
  const sleep = (ms: number) => systemClock.sleep(ms);
  const wd = createWatchdog(config, {
    clock: systemClock,
    store,
    log,
    metrics,
    readFlag: () => readFlagFile(config.maintenance.flagFile),
    alerts: createAlertSender(config.alerts, {
      http: httpRequest,
      sleep,
      log,
      onFailure: () => metrics.alertFailures++,
    }),
    driverDeps: {
      http: httpRequest,
      exec: execProgram,
      sleep,
      // Replaced per target by the engine, which applies each target's retries and retryDelay.
      retry: (_what, fn) => fn(),
    },
  });
  const server = config.metrics ? await startMetricsServer(config.metrics.listen, metrics) : undefined;
  await wd.start();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  log('info', 'stopping: finishing any action in progress');
  server?.close();
  await wd.stop();
}

/** Plug passwords and alert tokens live in the config: say so when other users can read it. */
async function warnIfSecretsReadable(file: string, config: WatchdogConfig, log: Logger): Promise<void> {
  const text = JSON.stringify(config);
  if (!/"(password|token)":/.test(text)) return;
  const { mode } = await stat(file);
  if (mode & 0o044) {
    log('warn', 'config holds passwords or tokens and is readable by other users', {
      file,
      mode: (mode & 0o777).toString(8),
      fix: `chmod 600 ${file}`,
    });
  }
}
