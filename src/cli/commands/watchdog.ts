// `beelab watchdog`: runs the Pi watchdog from its YAML config (or checks it, resets state, prints the unit).
import { stopWithLauncher } from '../launcher.ts';
import type { DefineCommand } from './index.ts';

export const defineWatchdog: DefineCommand = (program) => {
  program
    .command('watchdog')
    .description('Probe machines and power-cycle a hung one through a relay, smart plug or PiKVM')
    .option('-c, --config <file>', 'watchdog YAML config (see examples/watchdog.yaml)')
    .option('--check', 'validate the config, print what it would do, and exit')
    .option(
      '--reset [targets...]',
      'forget saved state (cycle counts, back-off, give-up) of these targets, or all',
    )
    .option(
      '--bundle <out.mjs>',
      'build the single-file watchdog the Pi runs (plain JS, under 60 MB resident)',
    )
    .option('--print-unit', 'print the hardened systemd unit for the Pi (runs the --bundle file)')
    .option('--node <path>', 'node binary for --print-unit', '/usr/bin/node')
    .option(
      '--entry <path>',
      'the --bundle file, for --print-unit',
      '/opt/beelab-watchdog/beelab-watchdog.mjs',
    )
    .option('--gpio-chip <dev...>', 'GPIO character devices the unit may open, for --print-unit')
    .addHelpText(
      'after',
      `
Examples:
  beelab watchdog --config /etc/beelab-watchdog/watchdog.yaml --check
  beelab watchdog --config /etc/beelab-watchdog/watchdog.yaml
  beelab watchdog --config watchdog.yaml --reset pve1
  beelab watchdog --bundle /opt/beelab-watchdog/beelab-watchdog.mjs
  beelab watchdog --print-unit --gpio-chip /dev/gpiochip0 > /etc/systemd/system/beelab-watchdog.service

Logs are JSON lines on stdout. Touch the maintenance flag file (default /etc/beelab-watchdog/maintenance)
to suspend all action; list target names in it to suspend only those.`,
    )
    .action(async (opts) => {
      const { runWatchdogCommand } = await import('../../watchdog/run.ts');
      stopWithLauncher();
      await runWatchdogCommand({ ...opts, reset: opts.reset === true ? [] : opts.reset });
    });
};
