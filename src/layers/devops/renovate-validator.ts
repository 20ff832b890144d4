// renovate.json through renovate-config-validator (the `renovate` npm package) in strict mode: an unknown
// option, a wrong type or a config that needs migrating is an error, located at the option when it names one.

import { runNodeTool } from '../../check/exec.ts';
import type { Validator } from '../../check/validator.ts';
import { unexplainedFailure } from '../../check/validators/util.ts';
import { locateYamlPath } from '../../check/yaml-locate.ts';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { pinnedDevTool } from '../../kernel/package-info.ts';

const CONFIG =
  /^(renovate\.json5?|\.renovaterc(\.json5?)?|\.github\/renovate\.json5?|\.forgejo\/renovate\.json5?)$/;

interface LogLine {
  level?: number;
  msg?: string;
  errors?: { topic?: string; message?: string }[];
  warnings?: { topic?: string; message?: string }[];
  migratedConfig?: unknown;
}

/** `packageRules[0].groupName` (as Renovate names an option) → ['packageRules', 0, 'groupName']. */
export function optionPath(message: string): (string | number)[] {
  const m = /`([A-Za-z$][\w$]*(?:\[\d+\]|\.[A-Za-z$][\w$]*)*)`/.exec(message);
  if (!m) return [];
  return [...m[1]!.matchAll(/([A-Za-z$][\w$]*)|\[(\d+)\]/g)].map((p) => (p[2] ? Number(p[2]) : p[1]!));
}

export const renovateValidator: Validator = {
  id: 'renovate',
  title: 'Renovate config (renovate-config-validator)',
  tool: {
    command: 'renovate-config-validator',
    installHint: `npm install --global renovate@${pinnedDevTool('renovate')}`,
  },
  applies: (files) => files.filter((f) => CONFIG.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      // --no-global: the file is a repository's config, not a self-hosted bot's.
      const r = await runNodeTool(ctx, ['--strict', '--no-global', file], { LOG_FORMAT: 'json' });
      const found: Diagnostic[] = [];
      const text = ctx.read(file);
      for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
        if (!line.startsWith('{')) continue;
        let log: LogLine;
        try {
          log = JSON.parse(line) as LogLine;
        } catch {
          continue;
        }
        for (const [list, severity] of [
          [log.errors, 'error'],
          [log.warnings, 'error'],
        ] as const) {
          for (const e of list ?? []) {
            const message = e.message ?? log.msg ?? 'invalid';
            found.push({
              code: 'renovate/config',
              severity,
              message: e.topic ? `${e.topic}: ${message}` : message,
              location: { file, ...(locateYamlPath(text, optionPath(message)) ?? {}) },
              hint: 'options: https://docs.renovatebot.com/configuration-options/',
            });
          }
        }
        if (log.migratedConfig !== undefined) {
          found.push({
            code: 'renovate/migrate',
            severity: 'error',
            message: 'the config uses options Renovate has renamed; it needs migrating',
            location: { file },
            hint: `renovate-config-validator --strict ${file} prints the migrated config`,
          });
        }
      }
      out.push(
        ...found,
        ...unexplainedFailure('renovate/config', 'renovate-config-validator', r, found, file),
      );
    }
    return out;
  },
};
