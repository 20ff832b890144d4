// Entry of the single-file Pi build: node beelab-watchdog.mjs --config FILE [--check] [--reset [target...]].
import { parseArgs } from 'node:util';
import { reportError } from '../errors.ts';
import { runWatchdog } from './run.ts';

try {
  const { values, positionals } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      check: { type: 'boolean' },
      reset: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  await runWatchdog({
    config: values.config,
    check: values.check,
    reset: values.reset ? positionals : undefined,
  });
} catch (err) {
  const { exitCode, text } = reportError(err);
  if (text) process.stderr.write(`${text}\n`);
  process.exit(exitCode);
}
