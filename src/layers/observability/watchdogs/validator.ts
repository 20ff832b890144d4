// `beelab check`: every generated watchdog.yaml read by the watchdog's own loader, as the Pi will read it.
import type { Validator } from '../../../check/validator.ts';
import { UserError } from '../../../errors.ts';
import type { Diagnostic } from '../../../kernel/diagnostic.ts';
import { parseWatchdogConfig } from '../../../watchdog/load-config.ts';

const CONFIG = /^watchdog\/[^/]+\.ya?ml$/;

/** The loader's located lines (`  FILE:LINE:COL: message`) as diagnostics. */
function diagnostics(file: string, err: UserError): Diagnostic[] {
  const prefix = `  ${file}:`;
  const lines = err.details.length > 0 ? err.details : [err.message];
  return lines.map((line) => {
    const m = line.startsWith(prefix) ? /^(\d+):(\d+): (.*)$/.exec(line.slice(prefix.length)) : null;
    return {
      code: 'watchdog-config',
      severity: 'error',
      message: m ? m[3]! : line.trim(),
      location: m ? { file, line: Number(m[1]), col: Number(m[2]) } : { file },
      hint: 'the Pi refuses this config at start; fix beelab.yaml `watchdogs` or the override that changed it',
    };
  });
}

export const watchdogConfigValidator: Validator = {
  id: 'watchdog-config',
  title: 'Watchdog configs (the watchdog loader)',
  applies: (files) => files.filter((f) => CONFIG.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      try {
        parseWatchdogConfig(ctx.read(file), file);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        out.push(...diagnostics(file, err));
      }
    }
    return out;
  },
};
