// The one spec pipeline: parse beelab.yaml, then every rule — the spec's own and those that need the layers'
// plan. `render`, `check`, `init` and the tests all validate through here, so they cannot disagree.
import { siteContributions } from '../layers/index.ts';
import { planRuleOptions } from '../site/plan-rules.ts';
import { type ParsedSpec, parseSpec } from '../spec/parse.ts';

/** `input` is the file's bytes as read from disk (its encoding is checked too) or its text. */
export function parseSiteSpec(input: string | Uint8Array, file = 'beelab.yaml'): ParsedSpec {
  return parseSpec(input, file, planRuleOptions(siteContributions));
}
