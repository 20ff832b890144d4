// `beelab check`: the spec's warnings, every layer's internal rules and the external validators, in one report.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkDir } from '../check/check-dir.ts';
import { collectFiles } from '../check/files.ts';
import type { CheckReport } from '../check/runner.ts';
import type { Validator, ValidatorResult } from '../check/validator.ts';
import { defaultValidators } from '../check/validators/index.ts';
import type { Diagnostic } from '../kernel/diagnostic.ts';
import type { Progress } from '../kernel/progress.ts';
import { layers } from '../layers/index.ts';
import { siteSecretLeaks } from '../secrets/leaks.ts';
import { siteRules } from '../site/rules.ts';
import { loadProject, type Project } from './load.ts';

export interface ProjectCheckOptions {
  strict?: boolean;
  onResult?: (r: ValidatorResult) => void;
  /** Shows each validator starting and finishing (the CLI's progress line). */
  progress?: Progress;
  /** Loaded already (init and render pass theirs). */
  project?: Project;
}

/** Internal rules over the Site: the spec's warnings, site-wide rules, each layer's rules. */
export function internalRules(project: Project): Diagnostic[] {
  const out = [...project.warnings, ...siteRules(project.site)];
  for (const layer of layers) out.push(...(layer.rules?.(project.site) ?? []));
  return out;
}

/** A result in a few words for the progress line: `passed`, `2 errors`, `skipped (no yamllint)`. */
function outcome(r: ValidatorResult): string {
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  if (r.status === 'failed' && errors > 0) return `failed, ${errors} error${errors === 1 ? '' : 's'}`;
  return r.status;
}

export function projectValidators(): Validator[] {
  const seen = new Set<string>();
  const out: Validator[] = [];
  for (const v of [...defaultValidators(), ...layers.flatMap((l) => l.validators?.() ?? [])]) {
    if (seen.has(v.id)) continue;
    seen.add(v.id);
    out.push(v);
  }
  return out;
}

export async function runProjectChecks(dir: string, options: ProjectCheckOptions = {}): Promise<CheckReport> {
  const project = options.project ?? (await loadProject(dir));
  const validators = projectValidators();
  const progress = options.progress;
  progress?.setTotal(validators.length + 1);
  progress?.start('rules');
  const t0 = performance.now();
  const rules = [...internalRules(project), ...(await secretRules(dir))];
  const rulesDurationMs = performance.now() - t0;
  return checkDir(dir, {
    rules,
    rulesDurationMs,
    validators,
    strict: options.strict ?? false,
    onStart: (v) => progress?.start(v.id),
    onResult: (r) => {
      progress?.done(r.id, outcome(r));
      options.onResult?.(r);
    },
  });
}

/** Known secret values and private keys in plaintext in any file of the site (generated or not). */
export async function secretRules(dir: string): Promise<Diagnostic[]> {
  const files: [string, string][] = [];
  for (const rel of await collectFiles(dir)) {
    if (rel.startsWith('secrets/')) continue;
    const text = await readFile(join(dir, rel), 'utf8').catch(() => undefined);
    if (text !== undefined) files.push([rel, text]);
  }
  return siteSecretLeaks(dir, files);
}
