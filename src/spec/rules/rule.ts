// The shape of a spec rule: a small function over the parsed spec that reports findings by path.
import type { Severity } from '../../kernel/diagnostic.ts';
import type { SpecPath } from '../locate.ts';
import type { Spec } from '../schema.ts';

export interface Finding {
  code: string;
  /** Where in beelab.yaml; the deepest existing part is used when the value came from the tier. */
  path: SpecPath;
  message: string;
  hint?: string;
  severity?: Severity;
  /** Point at the key rather than the value (unknown or duplicate names). */
  atKey?: boolean;
  /**
   * Codes of more general findings this one makes redundant at the same place (a gateway port on a model server's
   * port is ai/port-clash, not also service/port-collision): the runner drops those, so the user reads one.
   */
  supersedes?: readonly string[];
}

export interface RuleContext {
  /** What the user wrote. */
  raw: Spec;
  /** With tier defaults filled in: what the rules judge. */
  spec: Spec;
  /** Path of a list in the file when the user wrote it, else undefined (it came from the tier). */
  written: (path: SpecPath) => boolean;
  /** What the layers will generate from this spec; absent when the caller has no layers (spec-only tests). */
  plan: SpecPlan | undefined;
}

/** The hosts the layers generate from a spec, supplied by the caller: spec/ does not know the layers. */
export interface SpecPlan {
  /** Every host name the site will have, generated VMs included, in Site order. */
  hostNames: string[];
  /** Names of generated VMs (talos-cp1, k3s-s1, apps, ...); a firewall VM is named by the user. */
  generatedVms: string[];
}

/** What a caller adds to the pure spec rules: the plan of generated hosts and rules of later stages. */
export interface SpecRuleOptions {
  plan?: (spec: Spec) => SpecPlan;
  /** Rules that need more than the spec (VLAN carving, capacity), run with the same locator. */
  extraRules?: readonly SpecRule[];
}

export type SpecRule = (ctx: RuleContext) => Finding[];
