// The thin CLI: registers each command module and maps errors to exit codes in one place.
import { Command, CommanderError } from 'commander';
import { reportError } from '../errors.ts';
import { BEELAB_VERSION } from '../kernel/package-info.ts';
import { commands } from './commands/index.ts';

const program = new Command('beelab')
  .description('One beelab.yaml in, a complete infrastructure repository out.')
  .version(BEELAB_VERSION)
  .showHelpAfterError()
  .exitOverride();

for (const define of commands) define(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 1 ? 2 : err.exitCode);
  const { exitCode, text } = reportError(err);
  if (text) process.stderr.write(`${text}\n`);
  process.exit(exitCode);
}
