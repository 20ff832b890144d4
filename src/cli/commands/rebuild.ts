// `beelab rebuild HOST|--all [dir]`: bring a host, or the whole site, back from bare hardware.
import type { DefineCommand } from './index.ts';

export const defineRebuild: DefineCommand = (program) => {
  program
    .command('rebuild')
    .description(
      'rebuild a host (or --all) from bare hardware: firewall, hypervisors, storage, VMs, clusters, apps, restores',
    )
    .argument('[host]', 'the host to rebuild (a name from the Site)')
    .argument('[dir]', 'site directory holding beelab.yaml', '.')
    .option('--all', 'rebuild the whole site')
    .option('-y, --yes', 'run without asking (manual steps still need a terminal)')
    .option('--dry-run', 'show the plan with the exact commands and manual instructions, run nothing')
    .option('--resume', 'continue the last interrupted rebuild of the same target')
    .option('--json', 'print the plan and progress events as JSON lines')
    .option('-j, --concurrency <n>', 'steps in flight at once', '4')
    .addHelpText(
      'after',
      `
Every step runs (the hardware is new), in phase order. Manual steps (boot an installer, press power) print
their instructions and wait for you to confirm; the engine verifies each one (e.g. SSH answers) before going on.

Examples:
  beelab rebuild pve2 my-lab --dry-run
  beelab rebuild pve2 my-lab
  beelab rebuild --all my-lab`,
    )
    .action(async (host: string | undefined, dir: string, opts) => {
      const { runRebuild } = await import('../../apply/run.ts');
      // `beelab rebuild --all my-lab`: the one positional is the directory.
      if (opts.all && host !== undefined && dir === '.') await runRebuild(host, undefined, opts);
      else await runRebuild(dir, host, opts);
    });
};
