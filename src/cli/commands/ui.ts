// `beelab ui [dir]`: the local dashboard: diagrams, hosts, policy, failure modes, plan and live status.
import { stopWithLauncher } from '../launcher.ts';
import type { DefineCommand } from './index.ts';

export const defineUi: DefineCommand = (program) => {
  program
    .command('ui')
    .description(
      'Local dashboard on 127.0.0.1: the diagrams (click a host), hosts, policy matrix, failure modes with runbooks, plan, last apply, live status',
    )
    .argument('[dir]', 'site directory holding beelab.yaml', '.')
    .option('-p, --port <n>', 'TCP port on 127.0.0.1 (0 picks a free one)', '8470')
    .option(
      '-t, --targets <file>',
      'live status from a YAML list of targets instead of the site (as beelab status)',
    )
    .option('--interval <duration>', 'time between status rounds', '5s')
    .option('--timeout <duration>', 'deadline of each check', '2s')
    .addHelpText(
      'after',
      `
Nothing is loaded from outside: the page, its script and the diagrams come from this process, so it works
offline. Live status probes the site only when this machine has an address or a route in one of its
VLANs; elsewhere the page says "not reachable from here" and nothing is sent.

Examples:
  beelab ui                     # the site in the current directory, http://127.0.0.1:8470/
  beelab ui ~/lab --port 9000
  beelab ui --targets targets.yaml   # live status of your own list of checks`,
    )
    .action(async (dir: string, opts) => {
      const { runUi } = await import('../../ui/run.ts');
      stopWithLauncher();
      await runUi({ ...opts, dir });
    });
};
