// promtool: `check config` for prometheus.yml (and the rule files it loads), `check rules` for rule files,
// `test rules` for rule unit tests.
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { dedupe, parseGoYamlErrors } from './go-yaml-output.ts';
import { parsePromtoolTestFailures } from './promtool-tests.ts';
import { unexplainedFailure } from './util.ts';

const CODE = 'promtool';
const CONFIG = /(^|\/)prometheus\.ya?ml$/;
// Conventional rule locations: a rules/ or alerts/ directory under a prometheus/ directory, or *.rules.yml.
const RULES = /(^|\/)prometheus\/(.+\/)?(rules|alerts)\/[^/]+\.ya?ml$|\.rules\.ya?ml$/;
// Rule unit tests: a tests/ directory under a prometheus/ directory (rule_files relative to the test file).
const TESTS = /(^|\/)prometheus\/(.+\/)?tests\/[^/]+\.ya?ml$/;

function args(file: string): string[] {
  // --syntax-only: credential and certificate files a config names need not exist on this machine.
  if (CONFIG.test(file)) return ['check', 'config', '--syntax-only', file];
  return TESTS.test(file) ? ['test', 'rules', file] : ['check', 'rules', file];
}

export const promtool: Validator = {
  id: 'promtool',
  title: 'Prometheus config and rules (promtool)',
  tool: { command: 'promtool', installHint: 'apt-get install prometheus' },
  applies: (files) => files.filter((f) => CONFIG.test(f) || RULES.test(f) || TESTS.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      const argv = args(file);
      const r = await runTool(ctx, argv);
      // A failed unit test prints the expected and the actual alerts, which read like YAML errors: parsed apart.
      const failedTests = TESTS.test(file)
        ? parsePromtoolTestFailures(file, `${r.stdout}\n${r.stderr}`, ctx.read(file), CODE)
        : [];
      const found =
        failedTests.length > 0
          ? failedTests
          : [
              ...parseGoYamlErrors(ctx.dir, file, r.stderr, CODE),
              ...parseGoYamlErrors(ctx.dir, file, r.stdout, CODE),
            ];
      out.push(
        ...found,
        ...unexplainedFailure(CODE, `promtool ${argv.slice(0, 2).join(' ')}`, r, found, file),
      );
    }
    // A rule file is checked on its own and again through the config that loads it.
    return dedupe(out);
  },
};
