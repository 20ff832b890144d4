// One call for `beelab check`: list the site's files, run the validators next to the rule results, report.
import type { Diagnostic } from '../kernel/diagnostic.ts';
import { collectFiles } from './files.ts';
import { type CheckReport, runChecks } from './runner.ts';
import type { Validator, ValidatorResult } from './validator.ts';
import { defaultValidators } from './validators/index.ts';

export interface CheckDirOptions {
  /** Internal rule results over the Site, computed by the caller. */
  rules?: Diagnostic[];
  rulesDurationMs?: number;
  /** Default: defaultValidators(). */
  validators?: Validator[];
  /** Added after `validators`, e.g. what each layer's `validators()` returns; a repeated id runs once. */
  extraValidators?: Validator[];
  strict?: boolean;
  concurrency?: number;
  timeoutMs?: number;
  onResult?: (r: ValidatorResult) => void;
  onStart?: (v: Validator) => void;
}

/** Checks the generated repository in `dir`; `report.ok` false means exit non-zero. */
export async function checkDir(dir: string, opts: CheckDirOptions = {}): Promise<CheckReport> {
  const files = await collectFiles(dir);
  const validators = uniqueById([
    ...(opts.validators ?? defaultValidators()),
    ...(opts.extraValidators ?? []),
  ]);
  return runChecks({ ...opts, dir, files, validators });
}

function uniqueById(vs: Validator[]): Validator[] {
  const seen = new Set<string>();
  return vs.filter((v) => !seen.has(v.id) && seen.add(v.id));
}
