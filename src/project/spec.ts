// The one spec pipeline: parse beelab.yaml, then every rule — the spec's own and those that need the layers'
// plan. `render`, `check`, `init` and the tests all validate through here, so they cannot disagree.
import { siteContributions } from '../layers/index.ts';
import type { Lock } from '../site/lock.ts';
import { planRuleOptions } from '../site/plan-rules.ts';
import { type ParsedSpec, parseSpec } from '../spec/parse.ts';

/**
 * `input` is the file's bytes as read from disk (its encoding is checked too) or its text; `lock`, when the
 * directory has one, lets the rules judge the Site render will build (VM placement, VM ids the lock holds).
 */
export function parseSiteSpec(input: string | Uint8Array, file = 'beelab.yaml', lock?: Lock): ParsedSpec {
  return parseSpec(input, file, planRuleOptions(siteContributions, lock));
}
