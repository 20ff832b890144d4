// GPIO relay or button through libgpiod v1 `gpioset` (Debian 12's gpiod 1.6): assert for the hold time, then release.
import type { PowerConfig } from '../config-schema.ts';
import type { DriverDeps, PowerDriver } from './types.ts';

type GpioConfig = Extract<PowerConfig, { type: 'gpio' }>;

/** argv that asserts the line and keeps it asserted for `holdMs` (gpioset exits after the time). */
export function gpioAssertArgs(cfg: GpioConfig): string[] {
  const sec = Math.floor(cfg.hold / 1000);
  const usec = (cfg.hold % 1000) * 1000;
  return ['--mode=time', `--sec=${sec}`, `--usec=${usec}`, ...lowFlag(cfg), cfg.chip, `${cfg.line}=1`];
}

/** argv that de-asserts the line: power on (relay released), button released. */
export function gpioReleaseArgs(cfg: GpioConfig): string[] {
  return [...lowFlag(cfg), cfg.chip, `${cfg.line}=0`];
}

function lowFlag(cfg: GpioConfig): string[] {
  return cfg.activeLow ? ['--active-low'] : [];
}

export function gpioDriver(cfg: GpioConfig, deps: DriverDeps): PowerDriver {
  const run = async (args: string[], timeoutMs: number) => {
    const res = await deps.exec('gpioset', args, { timeoutMs });
    if (res.exitCode !== 0)
      throw new Error(`gpioset ${args.join(' ')} exited ${res.exitCode}: ${res.stderr.trim()}`);
  };
  const release = () => deps.retry('gpio release', () => run(gpioReleaseArgs(cfg), 10_000));
  return {
    label: `gpio ${cfg.chip} line ${cfg.line}${cfg.activeLow ? ' (active-low)' : ''}`,
    holdMs: cfg.hold,
    async cycle() {
      try {
        // Not retried as a whole: a second assert would double the outage. Release is retried.
        await run(gpioAssertArgs(cfg), cfg.hold + 10_000);
      } finally {
        await release();
      }
      return `line ${cfg.line} asserted for ${cfg.hold} ms, then released`;
    },
    ensureOn: async () => {
      await release();
    },
  };
}
