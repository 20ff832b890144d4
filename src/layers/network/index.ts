// Layer 2, the network: the firewall of the platform Site chooses, plus the generated policy document.
import type { Site } from '../../site/types.ts';
import { FileTree } from '../../tree/file-tree.ts';
import type { LayerModule } from '../layer.ts';
import { NETWORK_POLICY_MD_PATH, renderNetworkPolicyMd } from './docs.ts';
import { renderLinux } from './linux/render.ts';
import { renderOpnsenseConfig } from './opnsense/config-xml.ts';
import { renderPfsenseConfig } from './pfsense/config-xml.ts';
import { compileAddressing } from './policy/addressing.ts';
import { compilePolicy } from './policy/compile.ts';
import { networkRules } from './rules.ts';
import { networkSite } from './site.ts';
import { renderVyosScript } from './vyos/render.ts';

/** Where each backend's output lands in the generated repository. */
export const NETWORK_FILES = {
  opnsense: 'network/opnsense/config.xml',
  pfsense: 'network/pfsense/config.xml',
  vyos: 'network/vyos/configure.vbash',
} as const;

/** Renders the firewall for `site.firewall.platform` and docs/network-policy.md. Pure. */
export function renderNetwork(site: Site): FileTree {
  const policy = compilePolicy(site);
  const tree = new FileTree().add(NETWORK_POLICY_MD_PATH, renderNetworkPolicyMd(site, policy), 'network');
  switch (site.firewall.platform) {
    case 'opnsense':
      return tree.add(
        NETWORK_FILES.opnsense,
        renderOpnsenseConfig(site, policy, compileAddressing(site)),
        'network',
      );
    case 'pfsense':
      return tree.add(
        NETWORK_FILES.pfsense,
        renderPfsenseConfig(site, policy, compileAddressing(site)),
        'network',
      );
    case 'vyos':
      return tree.add(
        NETWORK_FILES.vyos,
        renderVyosScript(site, policy, compileAddressing(site)),
        'network',
        0o755,
      );
    case 'linux':
      return tree.merge(renderLinux(site));
  }
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
};
