// `beelab apply [dir]`: run every layer's steps against the real machines, in dependency order, with a journal.
import type { DefineCommand } from './index.ts';

const collect = (v: string, prev: string[]) => [...prev, ...v.split(',').filter(Boolean)];

export const defineApply: DefineCommand = (program) => {
  program
    .command('apply')
    .description('apply the rendered repository: run each step that changed, in dependency order, journaled')
    .argument('[dir]', 'site directory holding beelab.yaml', '.')
    .option('-y, --yes', 'run without asking (for scripts; required without a terminal)')
    .option('--dry-run', 'show the plan with the exact commands, run nothing')
    .option('--only <layer|host|step>', 'only these steps (repeatable, or comma-separated)', collect, [])
    .option('--resume', 'continue the last interrupted or failed apply (same selection)')
    .option('--json', 'print the plan and progress events as JSON lines')
    .option('--history', 'summarise the journal (.beelab/journal.jsonl) and exit')
    .option('-j, --concurrency <n>', 'steps in flight at once', '4')
    .addHelpText(
      'after',
      `
A step runs when it never ran, its inputs (generated files) or command changed, or it failed last time;
otherwise it is up to date and skipped. A failed step stops only the steps after it. Ctrl-C lets running
steps finish (twice: aborts them); either way \`--resume\` continues. Logs: .beelab/logs/<run>/.

Examples:
  beelab apply my-lab --dry-run              # read the plan and the exact commands
  beelab apply my-lab                         # asks before running
  beelab apply my-lab --only network --yes    # a layer, a host (pve2) or a step id (network/firewall)
  beelab apply my-lab --resume
  beelab apply my-lab --history`,
    )
    .action(async (dir: string, opts) => {
      const { runApply } = await import('../../apply/run.ts');
      await runApply(dir, opts);
    });
};
