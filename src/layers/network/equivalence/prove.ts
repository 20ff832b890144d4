// Renders the Site's firewall for its platform, parses it back and compares with the policy: the check-time proof.
import type { Site } from '../../../site/types.ts';
import { parseNftables } from '../linux/nft-parse.ts';
import { renderLinuxRouter } from '../linux/render.ts';
import { renderOpnsenseConfig } from '../opnsense/config-xml.ts';
import { renderPfsenseConfig } from '../pfsense/config-xml.ts';
import { compileAddressing } from '../policy/addressing.ts';
import { compilePolicy } from '../policy/compile.ts';
import type { Policy } from '../policy/types.ts';
import { renderVyosScript } from '../vyos/render.ts';
import { parseOpnsense } from './opnsense.ts';
import { parsePfsense } from './pfsense.ts';
import { canonicalOrder, diffTuples, type PolicyTuple, policyTuples } from './tuples.ts';
import { parseVyos } from './vyos.ts';

function zoneByTag(policy: Policy): Map<number, string> {
  return new Map(policy.zones.filter((z) => z.kind === 'vlan').map((z) => [z.tag!, z.name]));
}

/** The tuples the platform's rendered output enforces, and whether only canonical order is comparable. */
export function renderedTuples(
  site: Site,
  platform = site.firewall.platform,
): { tuples: PolicyTuple[]; canonical: boolean } {
  const policy = compilePolicy(site);
  const tags = zoneByTag(policy);
  switch (platform) {
    case 'opnsense':
      return {
        tuples: parseOpnsense(renderOpnsenseConfig(site, policy, compileAddressing(site)), tags),
        canonical: false,
      };
    case 'pfsense':
      return {
        tuples: parsePfsense(renderPfsenseConfig(site, policy, compileAddressing(site)), tags),
        canonical: false,
      };
    case 'vyos':
      return {
        tuples: parseVyos(renderVyosScript(site, policy, compileAddressing(site)), tags),
        canonical: true,
      };
    case 'linux': {
      const r = renderLinuxRouter(site);
      return { tuples: parseNftables(r.nftables, r.ifs), canonical: true };
    }
  }
}

/** Differences between the policy and what the platform's output enforces; empty when they are equivalent. */
export function proveEquivalence(site: Site, platform = site.firewall.platform): string[] {
  const expected = policyTuples(compilePolicy(site));
  const { tuples, canonical } = renderedTuples(site, platform);
  return canonical ? diffTuples(canonicalOrder(expected), tuples) : diffTuples(expected, tuples);
}
