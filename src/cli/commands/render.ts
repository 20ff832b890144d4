// `beelab render [dir]`: write the generated repository, only what changed, never over a hand edit.

import { type LockFlags, lockFlags, printLockChanges, withLockOptions } from '../lock-changes.ts';
import type { DefineCommand } from './index.ts';

interface RenderFlags extends LockFlags {
  force?: boolean;
  json?: boolean;
}

export const defineRender: DefineCommand = (program) => {
  withLockOptions(
    program
      .command('render')
      .description(
        'render beelab.yaml into the repository in DIR: writes only changed files, removes stale ones',
      )
      .argument('[dir]', 'site directory holding beelab.yaml', '.')
      .option(
        '--force',
        'overwrite generated files edited by hand (each is backed up to <file>.beelab-backup first)',
      )
      .option('--json', 'print the plan that was carried out as JSON'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  beelab render my-lab\n  beelab render my-lab --force   # after reviewing `beelab plan my-lab`',
    )
    .action(async (dir: string, opts: RenderFlags) => {
      const { renderProject } = await import('../../project/render.ts');
      const { formatPlan } = await import('../../tree/format-plan.ts');
      const out = await renderProject(dir, {
        force: opts.force ?? false,
        ...lockFlags(opts),
      });
      printLockChanges(out.project.warnings);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ entries: out.plan.entries, lockChanged: out.lockChanged }, null, 2)}\n`,
        );
        return;
      }
      process.stdout.write(formatPlan(out.plan, { color: process.stdout.isTTY, done: true }));
      if (out.lockChanged)
        process.stdout.write('Updated beelab.lock.yaml (commit it with the repository).\n');
    });
};
