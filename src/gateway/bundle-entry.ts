// Entry of the single-file service build: node beelab-gateway.mjs --config FILE [--check].
import { parseArgs } from 'node:util';
import { reportError, UserError } from '../errors.ts';
import { checkCommand, serve } from './run.ts';

try {
  const { values } = parseArgs({
    options: { config: { type: 'string', short: 'c' }, check: { type: 'boolean' } },
  });
  if (!values.config)
    throw new UserError('--config FILE is required', [
      '  Example: node beelab-gateway.mjs --config /etc/beelab/gateway.yaml',
    ]);
  if (values.check) process.stdout.write(`${await checkCommand(values.config, false)}\n`);
  else await serve(values.config);
} catch (err) {
  const { exitCode, text } = reportError(err);
  if (text) process.stderr.write(`${text}\n`);
  process.exit(exitCode);
}
