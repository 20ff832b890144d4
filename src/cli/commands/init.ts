// `beelab init [dir]`: about twenty questions with tier defaults → a commented beelab.yaml → render and check.
import type { InitResult } from '../../init/run.ts';
import type { DefineCommand } from './index.ts';

/** After rendering: the site directory becomes a git repository with the first commit (unless --no-git). */
async function makeRepository(result: InitResult, out: NodeJS.WritableStream): Promise<void> {
  const { initRepository } = await import('../../pipeline/repository.ts');
  await initRepository(result.dir, result.spec.site.name, out);
}

export const defineInit: DefineCommand = (program) => {
  program
    .command('init')
    .description(
      'ask about the site (defaults from the tier), write a commented beelab.yaml, then render and check',
    )
    .argument('[dir]', 'site directory to create or update', '.')
    .option(
      '--defaults',
      'take every default: the reference build, or the current values of an existing beelab.yaml',
    )
    .option(
      '--answers <file>',
      'take the answers from a YAML file (see examples/answers.yaml); the rest are defaults',
    )
    .option(
      '--force',
      'replace an existing beelab.yaml the answers change without asking (the old one is kept as beelab.yaml.bak)',
    )
    .option('--no-render', 'only write beelab.yaml; run `beelab render` later')
    .option('--no-git', 'do not make the directory a git repository (default: git init and a first commit)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  beelab init my-lab                               # ask on the terminal',
        '  beelab init --defaults my-lab                    # the reference build, rendered and checked',
        '  beelab init --answers examples/answers.yaml my-lab',
        '  beelab init my-lab                               # again: the current values are the defaults',
        '',
        'Every question and answer key is described in docs/init.md.',
      ].join('\n'),
    )
    .action(
      async (
        dir: string,
        opts: { defaults?: boolean; answers?: string; force?: boolean; render: boolean; git: boolean },
      ) => {
        const { UserError } = await import('../../errors.ts');
        if (opts.defaults && opts.answers) {
          throw new UserError('--defaults and --answers exclude each other', [
            '  hint: an answers file already takes the defaults for everything it leaves out',
          ]);
        }
        const { runInit } = await import('../../init/run.ts');
        await runInit(dir, {
          ...(opts.defaults ? { defaults: true } : {}),
          ...(opts.answers ? { answers: opts.answers } : {}),
          ...(opts.force ? { force: true } : {}),
          render: opts.render,
          ...(opts.git ? { afterRender: makeRepository } : {}),
        });
      },
    );
};
