// `beelab plan [dir]`: what render would add, change or remove, per layer, without writing.
import { ExitError } from '../../errors.ts';
import { type LockFlags, lockFlags, printLockChanges, withLockOptions } from '../lock-changes.ts';
import type { DefineCommand } from './index.ts';

interface PlanFlags extends LockFlags {
  exitCode?: boolean;
  verbose?: boolean;
  json?: boolean;
}

export const definePlan: DefineCommand = (program) => {
  withLockOptions(
    program
      .command('plan')
      .description('show the files render would add, change or remove, per layer; writes nothing')
      .argument('[dir]', 'site directory holding beelab.yaml', '.')
      .option('--exit-code', 'exit 1 when there are changes (for CI: fail when the committed repo is stale)')
      .option('-v, --verbose', 'also list unchanged files')
      .option('--json', 'print the plan as JSON'),
  )
    .addHelpText('after', '\nExample:\n  beelab plan my-lab\n  beelab plan --exit-code .   # in CI')
    .action(async (dir: string, opts: PlanFlags) => {
      const { renderProject } = await import('../../project/render.ts');
      const { formatPlan } = await import('../../tree/format-plan.ts');
      const { hasChanges } = await import('../../tree/write-plan.ts');
      const out = await renderProject(dir, {
        dryRun: true,
        ...lockFlags(opts),
      });
      printLockChanges(out.project.warnings);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ entries: out.plan.entries, lockChanged: out.lockChanged }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(
          formatPlan(out.plan, { color: process.stdout.isTTY, verbose: opts.verbose ?? false }),
        );
        if (out.lockChanged) process.stdout.write('beelab.lock.yaml would be updated.\n');
      }
      if (opts.exitCode && (hasChanges(out.plan) || out.lockChanged)) throw new ExitError(1);
    });
};
