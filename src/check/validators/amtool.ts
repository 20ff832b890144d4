// amtool check-config for Alertmanager configurations (alertmanager.yml).
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { dedupe, parseGoYamlErrors } from './go-yaml-output.ts';
import { unexplainedFailure } from './util.ts';

const CODE = 'amtool';
const CONFIG = /(^|\/)alertmanager\.ya?ml$/;

export const amtool: Validator = {
  id: 'amtool',
  title: 'Alertmanager config (amtool check-config)',
  tool: { command: 'amtool', installHint: 'apt-get install prometheus-alertmanager' },
  applies: (files) => files.filter((f) => CONFIG.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      const r = await runTool(ctx, ['check-config', file]);
      const found = [
        ...parseGoYamlErrors(ctx.dir, file, r.stdout, CODE),
        ...parseGoYamlErrors(ctx.dir, file, r.stderr, CODE),
      ];
      out.push(...found, ...unexplainedFailure(CODE, 'amtool check-config', r, found, file));
    }
    return dedupe(out);
  },
};
