// Each cluster's shared ingress: Cilium's ingress controller (IngressClass cilium) behind one LoadBalancer Service
// on the cluster's ingress VIP, the address DNS gives every app on that cluster. The VIP is a one-address pool
// only services that ask for it get: MetalLB's on k3s (no auto-assign), Cilium LB-IPAM's on Talos (by label).
import type { LbPool, Site, Vip } from '../../../site/types.ts';
import type { AppCluster } from './apps.ts';

/** The VIP names the orchestration Site gives the clusters' ingresses. */
const INGRESS_VIP: Record<AppCluster, string> = { devops: 'k3s-ingress', production: 'talos-ingress' };
/** The label a Service carries to draw from the Talos ingress pool. */
export const INGRESS_ADDRESS_LABEL = 'beelab.dev/address';

/** The cluster's ingress VIP; absent when no app runs on it. */
export function ingressVip(site: Site, cluster: AppCluster): Vip | undefined {
  return site.vips.find((v) => v.name === INGRESS_VIP[cluster]);
}

/** How a LoadBalancer Service asks for the ingress VIP and shares it: MetalLB on k3s, Cilium LB-IPAM on Talos. */
export function ingressAddressAnnotations(cluster: AppCluster, address: string): Record<string, string> {
  const key = `${cluster}-ingress`;
  return cluster === 'devops'
    ? { 'metallb.io/loadBalancerIPs': address, 'metallb.io/allow-shared-ip': key }
    : { 'lbipam.cilium.io/ips': address, 'lbipam.cilium.io/sharing-key': key };
}

/** The labels and annotations of a Service that takes the ingress VIP (shared with the others that do). */
export function ingressServiceMeta(cluster: AppCluster, vip: Vip) {
  return {
    labels: { [INGRESS_ADDRESS_LABEL]: vip.name },
    annotations: ingressAddressAnnotations(cluster, vip.address),
  };
}

/** Cilium's Helm values for its ingress controller on this cluster; none when no app runs on it. */
export function ciliumIngressValues(site: Site, cluster: AppCluster): Record<string, unknown> {
  const vip = ingressVip(site, cluster);
  if (!vip) return {};
  return {
    ingressController: {
      enabled: true,
      default: true,
      loadbalancerMode: 'shared',
      service: ingressServiceMeta(cluster, vip),
    },
  };
}

/** MetalLB's pool for the k3s ingress VIP: never auto-assigned, only to the Services that ask for it. */
export function metallbIngressPool(vip: Vip): object {
  return {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name: vip.name, namespace: 'metallb-system' },
    spec: { addresses: [`${vip.address}/32`], autoAssign: false },
  };
}

/** Cilium LB-IPAM on Talos: the site's pool for any LoadBalancer, the ingress VIP for its Services; ARP for both. */
export function talosLbManifests(site: Site, pool: LbPool | undefined): object[] {
  const vip = ingressVip(site, 'production');
  const out: object[] = [];
  if (pool)
    out.push({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumLoadBalancerIPPool',
      metadata: { name: pool.name },
      spec: {
        blocks: [{ start: pool.range[0], stop: pool.range[1] }],
        ...(vip
          ? {
              serviceSelector: {
                matchExpressions: [{ key: INGRESS_ADDRESS_LABEL, operator: 'DoesNotExist' }],
              },
            }
          : {}),
      },
    });
  if (vip)
    out.push({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumLoadBalancerIPPool',
      metadata: { name: vip.name },
      spec: {
        blocks: [{ start: vip.address, stop: vip.address }],
        serviceSelector: { matchLabels: { [INGRESS_ADDRESS_LABEL]: vip.name } },
      },
    });
  if (out.length)
    out.push({
      apiVersion: 'cilium.io/v2alpha1',
      kind: 'CiliumL2AnnouncementPolicy',
      metadata: { name: 'load-balancers' },
      spec: { loadBalancerIPs: true },
    });
  return out;
}
