// Layer 2, the network: the firewall of the platform Site chooses, plus the generated policy document.
import type { Site } from '../../site/types.ts';
import { FileTree } from '../../tree/file-tree.ts';
import type { LayerModule } from '../layer.ts';
import { firewallBackends } from './backends.ts';
import { NETWORK_POLICY_MD_PATH, renderNetworkPolicyMd } from './docs.ts';
import { networkModel } from './model.ts';
import { networkRules } from './rules.ts';
import { networkSite } from './site.ts';
import { networkSteps } from './steps.ts';

/** Renders the firewall for `site.firewall.platform` and docs/network-policy.md. Pure. */
export function renderNetwork(site: Site): FileTree {
  const model = networkModel(site);
  return new FileTree()
    .add(NETWORK_POLICY_MD_PATH, renderNetworkPolicyMd(site, model.policy), 'network')
    .merge(firewallBackends[site.firewall.platform].render(model));
}

export const networkLayer: LayerModule = {
  id: 'network',
  layout: {
    title: '2 Network',
    paths: ['network/'],
    what: 'VLANs, addressing, firewall policy, DHCP/DNS for the chosen firewall platform',
  },
  site: networkSite,
  render: renderNetwork,
  rules: networkRules,
  steps: networkSteps,
};
