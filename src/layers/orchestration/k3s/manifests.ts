// The DevOps cluster's auto-deploy manifests: kube-vip for the API VIP, Cilium and MetalLB as HelmCharts (the
// k3s Helm controller installs them), MetalLB's address pool and L2 advertisement from the Site's pool.

import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import type { IClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { LbPool, Site, Vip } from '../../../site/types.ts';
import { ciliumIngressValues, metallbIngressPool } from '../kube/ingress.ts';

export const K3S_MANIFESTS = {
  kubeVip: 'k3s/manifests/kube-vip.yaml',
  cilium: 'k3s/manifests/cilium.yaml',
  metallb: 'k3s/manifests/metallb.yaml',
  metallbPool: 'k3s/manifests/metallb-pool.yaml',
} as const;

export function k3sVip(site: Site): Vip | undefined {
  return site.vips.find((v) => v.name === site.devops.vip);
}

export function k3sPool(site: Site): LbPool | undefined {
  return site.pools.find((p) => p.name === site.devops.pool);
}

const KUBE_VIP = 'kube-vip';

/**
 * kube-vip as a DaemonSet on the servers in ARP mode with leader election: one server answers for the VIP.
 * Host network and tolerating every taint, so it runs before the CNI does (Cilium reaches the API through it).
 */
export function kubeVipManifests(site: Site, vip: Vip): object[] {
  const labels = { 'app.kubernetes.io/name': KUBE_VIP };
  const sa: IServiceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: KUBE_VIP, namespace: 'kube-system' },
  };
  const role: IClusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'system:kube-vip-role' },
    rules: [
      { apiGroups: [''], resources: ['services/status'], verbs: ['update'] },
      { apiGroups: [''], resources: ['services', 'endpoints'], verbs: ['list', 'get', 'watch', 'update'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'get', 'watch', 'update', 'patch'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['list', 'get', 'watch', 'update', 'create'],
      },
      {
        apiGroups: ['discovery.k8s.io'],
        resources: ['endpointslices'],
        verbs: ['list', 'get', 'watch', 'update'],
      },
    ],
  };
  const binding: IClusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'system:kube-vip-binding' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:kube-vip-role' },
    subjects: [{ kind: 'ServiceAccount', name: KUBE_VIP, namespace: 'kube-system' }],
  };
  const env = (name: string, value: string) => ({ name, value });
  const ds: IDaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: KUBE_VIP, namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: KUBE_VIP,
          hostNetwork: true,
          nodeSelector: { 'node-role.kubernetes.io/control-plane': 'true' },
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: KUBE_VIP,
              image: `ghcr.io/kube-vip/kube-vip:${site.versions.kubeVip}`,
              args: ['manager'],
              env: [
                env('address', vip.address),
                env('port', '6443'),
                env('vip_arp', 'true'),
                env('cp_enable', 'true'),
                env('cp_namespace', 'kube-system'),
                env('svc_enable', 'false'),
                env('vip_leaderelection', 'true'),
                env('vip_leasename', 'plndr-cp-lock'),
                env('vip_leaseduration', '5'),
                env('vip_renewdeadline', '3'),
                env('vip_retryperiod', '1'),
                env('prometheus_server', ':2112'),
              ],
              securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
              resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
  return [sa, role, binding, ds];
}

/** A HelmChart the k3s Helm controller installs from a chart repository. */
function helmChart(name: string, spec: Record<string, unknown>): object {
  return {
    apiVersion: 'helm.cattle.io/v1',
    kind: 'HelmChart',
    metadata: { name, namespace: 'kube-system' },
    spec,
  };
}

/** Cilium as the CNI and kube-proxy replacement; `bootstrap` runs its install before any CNI exists. */
export function ciliumChart(site: Site, vip: Vip, valuesYaml: (v: unknown) => string): object {
  const values = {
    kubeProxyReplacement: true,
    k8sServiceHost: vip.address,
    k8sServicePort: 6443,
    ipam: { mode: 'cluster-pool', operator: { clusterPoolIPv4PodCIDRList: [site.devops.podSubnet] } },
    operator: { replicas: Math.min(2, site.devops.servers.length + site.devops.agents.length) },
    ...ciliumIngressValues(site, 'devops'),
  };
  return helmChart('cilium', {
    repo: 'https://helm.cilium.io',
    chart: 'cilium',
    version: site.versions.cilium,
    targetNamespace: 'kube-system',
    bootstrap: true,
    valuesContent: valuesYaml(values),
  });
}

export function metallbChart(site: Site): object {
  return helmChart('metallb', {
    repo: 'https://metallb.github.io/metallb',
    chart: 'metallb',
    version: site.versions.metallb,
    targetNamespace: 'metallb-system',
    createNamespace: true,
  });
}

/** The Site's pool (and the ingress VIP, when apps run here) as MetalLB's address pools, announced by ARP. */
export function metallbPool(pool: LbPool | undefined, ingress: Vip | undefined): object[] {
  const out: object[] = [];
  if (pool)
    out.push({
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: pool.name, namespace: 'metallb-system' },
      spec: { addresses: [`${pool.range[0]}-${pool.range[1]}`], autoAssign: true },
    });
  if (ingress) out.push(metallbIngressPool(ingress));
  const names = [pool?.name, ingress?.name].filter((n): n is string => n !== undefined);
  out.push({
    apiVersion: 'metallb.io/v1beta1',
    kind: 'L2Advertisement',
    metadata: { name: names[0], namespace: 'metallb-system' },
    spec: { ipAddressPools: names },
  });
  return out;
}
