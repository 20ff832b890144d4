// `beelab commit [dir]`: render, then one commit per tool scope with messages from the Site's changes.
import type { DefineCommand } from './index.ts';

export const defineCommit: DefineCommand = (program) => {
  program
    .command('commit')
    .description(
      'render, then commit the changes grouped by tool (ansible, opnsense, compose, docs, beelab, ...) with messages saying what changed',
    )
    .argument('[dir]', 'site directory holding beelab.yaml (in a git repository)', '.')
    .option('--dry-run', 'print the commits it would make; render and commit nothing')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  beelab commit my-lab --dry-run   # after editing beelab.yaml: the commits it would make',
        '  beelab commit my-lab             # e.g. "compose: bump immich v2.3.1 → v2.4.0 (digest …)"',
        '',
        'Refuses when the working tree has changes Beelab did not make (it names them). See docs/pipeline.md.',
      ].join('\n'),
    )
    .action(async (dir: string, opts: { dryRun?: boolean }) => {
      const { commitSite } = await import('../../pipeline/commit.ts');
      await commitSite(dir, { dryRun: opts.dryRun ?? false });
    });
};
