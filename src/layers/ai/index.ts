// Layer 5, the AI station: the Mac mesh on Tailscale, its model servers and the gateway configured from the Site.
import { FileTree } from '../../tree/file-tree.ts';
import type { LayerModule } from '../layer.ts';
import {
  GATEWAY_CONFIG_PATH,
  LITELLM_CONFIG_PATH,
  renderGatewayConfig,
  renderLitellmConfig,
} from './gateway-config.ts';
import { renderMacs } from './macs.ts';
import { aiSite } from './site.ts';
import { aiSteps } from './steps.ts';
import { POLICY_PATH, renderPolicy, tailnetPolicy } from './tailscale-policy.ts';
import { renderTailscaleReadme, TAILSCALE_README } from './tailscale-up.ts';
import { gatewayConfigValidator, tailscalePolicyValidator } from './validators.ts';

export const aiLayer: LayerModule = {
  id: 'ai',
  layout: {
    title: '5 AI station',
    paths: ['ai/'],
    what: 'AI mesh nodes, mesh VPN policy, OpenAI-compatible gateway',
  },
  site: aiSite,
  render(site) {
    const tree = new FileTree();
    if (site.ai.nodes.length === 0) return tree;
    const { tailnet } = tailnetPolicy(site);
    if (site.ai.gatewayHost) {
      if (site.ai.gateway === 'litellm') tree.add(LITELLM_CONFIG_PATH, renderLitellmConfig(site), 'ai');
      else tree.add(GATEWAY_CONFIG_PATH, renderGatewayConfig(site), 'ai');
    }
    for (const [path, text] of renderMacs(site))
      tree.add(path, text, 'ai', path.endsWith('.sh') ? 0o755 : 0o644);
    return tree.add(POLICY_PATH, renderPolicy(site), 'ai').add(
      TAILSCALE_README,
      renderTailscaleReadme(
        site,
        tailnet.notCarried.map((n) => ({ id: n.flow.id, reason: n.reason })),
      ),
      'ai',
    );
  },
  steps: aiSteps,
  validators: () => [tailscalePolicyValidator, gatewayConfigValidator],
};
