// `beelab check [dir]`: internal rules and external validators over the generated repository.
import { ExitError } from '../../errors.ts';
import type { DefineCommand } from './index.ts';

export const defineCheck: DefineCommand = (program) => {
  program
    .command('check')
    .description(
      'run the internal rules and the external validators (ansible, yamllint, nft, ...) in parallel',
    )
    .argument('[dir]', 'site directory holding beelab.yaml and the rendered repository', '.')
    .option('--strict', 'fail when a validator is skipped because its tool is missing (use in CI)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  beelab render my-lab && beelab check my-lab\n  beelab check --strict --json . > check.json',
    )
    .action(async (dir: string, opts: { strict?: boolean; json?: boolean }) => {
      const { runProjectChecks } = await import('../../project/check.ts');
      const { formatReport, toJson } = await import('../../check/summary.ts');
      const { createProgress } = await import('../../kernel/progress.ts');
      const progress = createProgress({ label: 'check', unit: 'validators' });
      const report = await runProjectChecks(dir, { strict: opts.strict ?? false, progress }).finally(() =>
        progress.close(),
      );
      process.stdout.write(opts.json ? toJson(report) : formatReport(report));
      if (!report.ok) throw new ExitError(1);
    });
};
