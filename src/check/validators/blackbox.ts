// The blackbox exporter's own check of blackbox.yml (`--config.check`): unknown fields, bad values, YAML errors.
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { unexplainedFailure } from './util.ts';

const CODE = 'blackbox-exporter';
const CONFIG = /(^|\/)blackbox\.ya?ml$/;
export const BLACKBOX_EXPORTER = 'prometheus-blackbox-exporter';

/**
 * The exporter logs in logfmt: `level=error msg="Error loading config" err="error parsing config file: yaml:
 * unmarshal errors:\n  line 16: field bogus not found"`. Each `line N:` becomes an error at that line.
 */
export function parseBlackboxErrors(file: string, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of text.matchAll(/level=error .*?\berr="((?:[^"\\]|\\.)*)"/g)) {
    const err = m[1]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    const lines = err.split('\n').map((l) => l.trim());
    const located = lines.flatMap((l) => {
      const at = /(?:^|yaml: )line (\d+): (.*)$/.exec(l);
      return at ? [{ line: Number(at[1]), message: at[2]! }] : [];
    });
    if (located.length === 0)
      out.push({
        code: CODE,
        severity: 'error',
        message: err.replace(/^error parsing config file: /, ''),
        location: { file },
      });
    for (const l of located)
      out.push({ code: CODE, severity: 'error', message: l.message, location: { file, line: l.line } });
  }
  return out;
}

export const blackboxExporter: Validator = {
  id: CODE,
  title: 'Blackbox exporter modules (--config.check)',
  tool: { command: BLACKBOX_EXPORTER, installHint: 'apt-get install prometheus-blackbox-exporter' },
  applies: (files) => files.filter((f) => CONFIG.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      const r = await runTool(ctx, ['--config.check', `--config.file=${file}`]);
      const found = parseBlackboxErrors(file, `${r.stdout}\n${r.stderr}`);
      out.push(...found, ...unexplainedFailure(CODE, `${BLACKBOX_EXPORTER} --config.check`, r, found, file));
    }
    return out;
  },
};
