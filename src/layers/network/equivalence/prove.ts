// The check-time proof: render the Site's firewall, parse it back with its backend's parser, compare with the policy.
import type { FirewallPlatform } from '../../../spec/schema.ts';
import type { FileTree } from '../../../tree/file-tree.ts';
import { firewallBackends } from '../backends.ts';
import type { NetworkModel } from '../model.ts';
import { canonicalOrder, diffTuples, policyTuples } from './tuples.ts';

/**
 * Differences between the policy and what the platform's files enforce; empty when they are equivalent.
 * `files` are the backend's rendered files when the caller has them already.
 */
export function proveEquivalence(
  model: NetworkModel,
  platform: FirewallPlatform = model.site.firewall.platform,
  files?: FileTree,
): string[] {
  const backend = firewallBackends[platform];
  const expected = policyTuples(model.policy);
  const { tuples, canonical } = backend.parse(files ?? backend.render(model), model);
  return canonical ? diffTuples(canonicalOrder(expected), tuples) : diffTuples(expected, tuples);
}
