// yamllint over every YAML file, with a config Beelab ships inline (tuned for generated files).
import type { Diagnostic, Severity } from '../../kernel/diagnostic.ts';
import { runTool, siteRelative } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { chunks, dirname } from './util.ts';

/**
 * yamllint's `default` preset, relaxed where generated files are right and the rule is not:
 * - line-length off: SSH keys, certificates, URLs and base64 cannot be wrapped.
 * - document-start off: no tool Beelab emits for needs `---`.
 * - truthy: values must be true/false (yes/no/on/off are booleans to YAML 1.1 readers such as
 *   Ansible and strings to YAML 1.2 readers), but keys are not checked, so GitHub Actions' `on:` passes.
 * - braces/brackets: up to one space inside, which is what the `yaml` library writes for flow collections.
 * - comments: one space before an inline comment is enough.
 * - octal-values: forbid implicit octals such as `mode: 0644`, which YAML 1.1 and 1.2 read differently.
 * - key-duplicates stays an error: the second key silently wins in most parsers.
 */
export const YAMLLINT_CONFIG = JSON.stringify({
  extends: 'default',
  rules: {
    'line-length': 'disable',
    'document-start': 'disable',
    truthy: { 'allowed-values': ['true', 'false'], 'check-keys': false },
    braces: { 'min-spaces-inside': 0, 'max-spaces-inside': 1 },
    brackets: { 'min-spaces-inside': 0, 'max-spaces-inside': 1 },
    comments: { 'min-spaces-from-content': 1 },
    'octal-values': { 'forbid-implicit-octal': true, 'forbid-explicit-octal': false },
  },
});

const YAML_FILE = /\.ya?ml$/;
// `file:line:col: [level] message (rule)` from `-f parsable`.
const PARSABLE = /^(.+?):(\d+):(\d+): \[(error|warning)\] (.*?)(?: \(([\w-]+)\))?$/;

export const yamllint: Validator = {
  id: 'yamllint',
  title: 'YAML lint (yamllint)',
  tool: { command: 'yamllint', installHint: 'apt-get install yamllint (or pipx install yamllint)' },
  applies: (files) => {
    // A Helm chart's templates/ are Go templates, not YAML, until helm renders them.
    const charts = new Set(files.filter((f) => /(^|\/)Chart\.ya?ml$/.test(f)).map((f) => dirname(f)));
    const inChartTemplates = (f: string) => {
      const g = `/${f}`;
      const i = g.lastIndexOf('/templates/');
      return i !== -1 && charts.has(i === 0 ? '.' : g.slice(1, i));
    };
    // What the user writes (beelab.yaml, overrides/) is judged by Beelab's own parser, stricter and located;
    // house style on a hand-written file must not fail `check` on a file `render` accepted.
    const userWritten = (f: string) => f === 'beelab.yaml' || f.startsWith('overrides/');
    return files.filter((f) => YAML_FILE.test(f) && !inChartTemplates(f) && !userWritten(f));
  },
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const batch of chunks(ctx.files, 200)) {
      const r = await runTool(ctx, ['-f', 'parsable', '-d', YAMLLINT_CONFIG, '--', ...batch]);
      const parsed = parseYamllint(ctx.dir, r.stdout);
      out.push(...parsed);
      // 0: clean, 1: errors, 2: warnings only (with --strict); anything else is yamllint failing to run.
      if (r.exitCode > 2 || (r.exitCode !== 0 && parsed.length === 0)) {
        out.push({
          code: 'yamllint',
          severity: 'error',
          message: `yamllint exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`,
        });
      }
    }
    return out;
  },
};

export function parseYamllint(dir: string, stdout: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of stdout.split('\n')) {
    const m = PARSABLE.exec(line);
    if (!m) continue;
    const [, file, ln, col, level, message, rule] = m;
    out.push({
      code: rule ? `yamllint/${rule}` : 'yamllint',
      severity: level as Severity,
      message: message!,
      location: { file: siteRelative(dir, file!), line: Number(ln), col: Number(col) },
    });
  }
  return out;
}
