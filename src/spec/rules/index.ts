// Runs every spec rule and turns findings into located diagnostics.
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import type { SpecLocator } from '../locate.ts';
import type { Spec } from '../schema.ts';
import { withTierDefaults } from '../tiers.ts';
import { nodeRules, uniquenessRules } from './hosts.ts';
import { supernetRule, vlanRules } from './network.ts';
import type { SpecPlan, SpecRule, SpecRuleOptions } from './rule.ts';
import { aiRules, appRules, clusterRules, referenceRules } from './services.ts';

export const SPEC_RULES: SpecRule[] = [
  supernetRule,
  vlanRules,
  nodeRules,
  uniquenessRules,
  clusterRules,
  appRules,
  aiRules,
  referenceRules,
];

/**
 * Runs the rules. With `tolerant`, the spec failed the schema: a rule that throws on a malformed
 * part is skipped (the schema error already covers it); otherwise a throwing rule is a bug.
 */
export function specRules(
  raw: Spec,
  locator: SpecLocator,
  tolerant: boolean,
  options: SpecRuleOptions = {},
): Diagnostic[] {
  let spec: Spec;
  try {
    spec = withTierDefaults(raw);
  } catch (err) {
    if (tolerant) return [];
    throw err;
  }
  let plan: SpecPlan | undefined;
  try {
    plan = options.plan?.(spec);
  } catch (err) {
    if (!tolerant) throw err;
  }
  const ctx = { raw, spec, plan, written: (path: readonly (string | number)[]) => locator.has(path) };
  const out: Diagnostic[] = [];
  for (const rule of [...SPEC_RULES, ...(options.extraRules ?? [])]) {
    let findings: ReturnType<SpecRule>;
    try {
      findings = rule(ctx);
    } catch (err) {
      if (tolerant) continue;
      throw err;
    }
    for (const f of findings) {
      out.push({
        code: f.code,
        severity: f.severity ?? 'error',
        message: f.message,
        location: locator.locate(f.path, f.atKey),
        ...(f.hint ? { hint: f.hint } : {}),
      });
    }
  }
  return out;
}
