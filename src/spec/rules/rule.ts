// The shape of a spec rule: a small function over the parsed spec that reports findings by path.
import type { Severity } from '../../check/diagnostic.ts';
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
}

export interface RuleContext {
  /** What the user wrote. */
  raw: Spec;
  /** With tier defaults filled in: what the rules judge. */
  spec: Spec;
  /** Path of a list in the file when the user wrote it, else undefined (it came from the tier). */
  written: (path: SpecPath) => boolean;
}

export type SpecRule = (ctx: RuleContext) => Finding[];
