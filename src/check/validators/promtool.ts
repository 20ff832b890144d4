// promtool: `check config` for prometheus.yml (and the rule files it loads), `check rules` for rule files.
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { dedupe, parseGoYamlErrors } from './go-yaml-output.ts';
import { unexplainedFailure } from './util.ts';

const CODE = 'promtool';
const CONFIG = /(^|\/)prometheus\.ya?ml$/;
// Conventional rule locations: a rules/ or alerts/ directory under a prometheus/ directory, or *.rules.yml.
const RULES = /(^|\/)prometheus\/(.+\/)?(rules|alerts)\/[^/]+\.ya?ml$|\.rules\.ya?ml$/;

export const promtool: Validator = {
  id: 'promtool',
  title: 'Prometheus config and rules (promtool)',
  tool: { command: 'promtool', installHint: 'apt-get install prometheus' },
  applies: (files) => files.filter((f) => CONFIG.test(f) || RULES.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      // --syntax-only: credential and certificate files a config names need not exist on this machine.
      const args = CONFIG.test(file) ? ['check', 'config', '--syntax-only', file] : ['check', 'rules', file];
      const r = await runTool(ctx, args);
      const found = [
        ...parseGoYamlErrors(ctx.dir, file, r.stderr, CODE),
        ...parseGoYamlErrors(ctx.dir, file, r.stdout, CODE),
      ];
      out.push(
        ...found,
        ...unexplainedFailure(CODE, `promtool ${args.slice(0, 2).join(' ')}`, r, found, file),
      );
    }
    // A rule file is checked on its own and again through the config that loads it.
    return dedupe(out);
  },
};
