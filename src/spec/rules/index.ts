// Runs every spec rule and turns findings into located diagnostics.
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import type { SpecLocator } from '../locate.ts';
import type { Spec } from '../schema.ts';
import { withTierDefaults } from '../tiers.ts';
import { gatewayRules, tailscaleRules } from './ai.ts';
import { computeRules } from './compute.ts';
import { fieldRules } from './fields.ts';
import { nodeRules, uniquenessRules } from './hosts.ts';
import { clusterSubnetRules, firewallNicRule, supernetRule, vlanRules } from './network.ts';
import type { SpecPlan, SpecRule, SpecRuleOptions } from './rule.ts';
import { aiRules, appNameRules, appRules, clusterRules, referenceRules } from './services.ts';

export const SPEC_RULES: SpecRule[] = [
  supernetRule,
  vlanRules,
  firewallNicRule,
  nodeRules,
  uniquenessRules,
  clusterRules,
  clusterSubnetRules,
  computeRules,
  appRules,
  appNameRules,
  aiRules,
  tailscaleRules,
  gatewayRules,
  referenceRules,
  fieldRules,
];

/** A rule threw on a schema-valid spec: a bug in Beelab (exit 1 with a trace), never the user's error. */
export class SpecRuleBug extends Error {
  constructor(rule: string, cause: unknown) {
    super(
      `spec rule ${rule || '(anonymous)'} threw instead of returning findings: ${(cause as Error)?.message ?? cause}`,
      {
        cause,
      },
    );
    this.name = 'SpecRuleBug';
  }
}

/**
 * Runs the rules. Rules return findings and never throw: with `tolerant` (the spec failed the schema) a rule
 * that trips over a malformed part is skipped, as the schema error covers it; otherwise a throw is a bug
 * (SpecRuleBug), even a UserError, since it would hide every other finding and carry no position.
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
    throw new SpecRuleBug('withTierDefaults', err);
  }
  let plan: SpecPlan | undefined;
  try {
    plan = options.plan?.(spec);
  } catch (err) {
    if (!tolerant) throw new SpecRuleBug('plan', err);
  }
  const ctx = { raw, spec, plan, written: (path: readonly (string | number)[]) => locator.has(path) };
  const out: Diagnostic[] = [];
  const superseded: { codes: readonly string[]; at: string }[] = [];
  const place = (d: Diagnostic) => (d.location ? `${d.location.line}:${d.location.col}` : undefined);
  for (const rule of [...SPEC_RULES, ...(options.extraRules ?? [])]) {
    let findings: ReturnType<SpecRule>;
    try {
      findings = rule(ctx);
    } catch (err) {
      if (tolerant) continue;
      throw new SpecRuleBug(rule.name, err);
    }
    for (const f of findings) {
      const d: Diagnostic = {
        code: f.code,
        severity: f.severity ?? 'error',
        message: f.message,
        location: locator.locate(f.path, f.atKey),
        ...(f.hint ? { hint: f.hint } : {}),
      };
      out.push(d);
      const at = place(d);
      if (f.supersedes?.length && at) superseded.push({ codes: f.supersedes, at });
    }
  }
  return out.filter((d) => !superseded.some((s) => s.codes.includes(d.code) && s.at === place(d)));
}
