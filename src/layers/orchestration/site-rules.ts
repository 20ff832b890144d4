// Spec rules that know the orchestration layer, judged against the resolved Site and located in beelab.yaml.
import { formatNet, parseCidr } from '../../net/ipam.ts';
import type { Site } from '../../site/types.ts';
import { specApps } from '../../spec/apps-of.ts';
import type { Finding, RuleContext } from '../../spec/rules/rule.ts';

/**
 * Apps on the DevOps cluster are reached through MetalLB (the ingress VIP), which Beelab deploys with the
 * devops VLAN's load-balancer pool: a VLAN too small to keep one (smaller than a /26) leaves them unreachable.
 * (On Talos, Cilium LB-IPAM announces the ingress VIP from a pool of its own.)
 */
export function loadBalancerPoolRule({ spec }: RuleContext, site: Site): Finding[] {
  if (site.devops.servers.length === 0 || site.devops.pool) return [];
  const onDevops = specApps(spec).filter((e) => e.on === 'devops');
  const first = onDevops[0];
  if (!first) return [];
  const server = site.hosts.find((h) => h.name === site.devops.servers[0]);
  const vlan = site.vlans.find((v) => v.name === server?.vlan);
  const net = vlan ? parseCidr(vlan.cidr) : undefined;
  const names = onDevops.map((e) => e.name).join(', ');
  return [
    {
      code: 'cluster/lb-pool',
      path: [...first.path.slice(0, 2), 'on'],
      message: `${names} on the DevOps cluster need${onDevops.length === 1 ? 's' : ''} a load-balancer address (MetalLB's pool, for the ingress VIP), but VLAN ${vlan?.name ?? 'devops'}${net ? ` ${formatNet(net)} (${net.size} addresses)` : ''} is too small to keep a pool`,
      hint: `give that VLAN a /26 or larger (its top fifth becomes the pool), or run ${onDevops.length === 1 ? 'the app' : 'the apps'} on compose`,
    },
  ];
}

export function orchestrationSiteRules(ctx: RuleContext, site: Site): Finding[] {
  return loadBalancerPoolRule(ctx, site);
}
