// The CI workflows against the GitHub Actions workflow schema (Forgejo Actions reads the same syntax), with
// action-validator from npm (@action-validator/cli); each error at its line in the workflow file.

import { runNodeTool } from '../../check/exec.ts';
import type { Validator } from '../../check/validator.ts';
import { tail } from '../../check/validators/util.ts';
import { locateYamlPath, pointerToPath } from '../../check/yaml-locate.ts';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { pinnedDevTool } from '../../kernel/package-info.ts';

const WORKFLOW = /^\.(github|forgejo|gitea)\/workflows\/[^/]+\.ya?ml$/;

interface SchemaError {
  code: string;
  path?: string;
  title?: string;
  detail?: string;
  states?: { errors: SchemaError[] }[];
}

/** A oneOf failure lists every branch; the branch with the fewest errors is the one the author meant. */
function flatten(errors: readonly SchemaError[]): SchemaError[] {
  return errors.flatMap((e) => {
    if (!e.states?.length) return [e];
    const best = [...e.states].sort((a, b) => a.errors.length - b.errors.length)[0]!;
    return flatten(best.errors);
  });
}

export const actionValidator: Validator = {
  id: 'action-validator',
  title: 'CI workflows (action-validator)',
  tool: {
    command: 'action-validator',
    installHint: `npm install --global @action-validator/cli@${pinnedDevTool('@action-validator/cli')}`,
  },
  applies: (files) => files.filter((f) => WORKFLOW.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      const r = await runNodeTool(ctx, [file]);
      if (r.exitCode === 0) continue;
      let errors: SchemaError[] = [];
      try {
        // Its JSON report goes to stderr (older releases: stdout).
        const report = r.stderr.trim().startsWith('{') ? r.stderr : r.stdout;
        errors = flatten((JSON.parse(report) as { errors?: SchemaError[] }).errors ?? []);
      } catch {
        // Not its JSON report: the YAML itself did not parse; say what the tool said.
      }
      if (errors.length === 0) {
        out.push({
          code: 'action-validator',
          severity: 'error',
          message: `action-validator exited ${r.exitCode}: ${tail(r.stderr || r.stdout)}`,
          location: { file },
        });
        continue;
      }
      const text = ctx.read(file);
      for (const e of errors) {
        const path = pointerToPath(e.path ?? '');
        const at = locateYamlPath(text, path);
        out.push({
          code: `action-validator/${e.code}`,
          severity: 'error',
          message: `${e.path || '/'}: ${e.detail ?? e.title ?? e.code}`,
          location: { file, ...(at ?? {}) },
          hint: 'workflow syntax: https://docs.github.com/actions/writing-workflows/workflow-syntax-for-github-actions',
        });
      }
    }
    return out;
  },
};
