// The orchestration layer's part of the Site: the Talos and k3s clusters (VMs, API VIPs, ingress VIPs,
// load-balancer pools), the apps VM with the reverse proxy, and every app from the catalog.
import { findApp } from '../../catalog/apps.ts';
import { parseImageRef } from '../../catalog/versions.ts';
import {
  type Ordered,
  type SiteContribution,
  service,
  tcp,
  type VipRequest,
  vmRequest,
  vmSeries,
} from '../../site/contribution.ts';
import type { Endpoint, LbPool, Service } from '../../site/types.ts';
import { specApps } from '../../spec/apps-of.ts';
import { DEFAULTS } from '../../spec/defaults.ts';
import { type AppCluster, appMetricsNodePort, appMetricsService } from './kube/apps.ts';
import { KUBE_STATE_METRICS_NODE_PORT, kubeStateMetricsService } from './kube/monitoring.ts';
import { orchestrationSiteRules } from './site-rules.ts';

export const orchestrationSite: SiteContribution = {
  rules: orchestrationSiteRules,

  hosts({ spec, vlanFor, hypervisors }) {
    if (!hypervisors) return [];
    const servers = vlanFor('servers');
    const devops = vlanFor('devops');
    const prod = spec.production ?? {};
    const talosMem = prod.memoryGb ?? DEFAULTS.production.memoryGb;
    const dev = spec.devops ?? {};
    const k3sMem = dev.memoryGb ?? DEFAULTS.devops.memoryGb;
    return [
      ...vmSeries(
        prod.controlPlanes ?? 0,
        30,
        'talos-cp',
        servers,
        ['talos', 'talos_controlplane'],
        ['orchestration'],
        'talos',
        { cores: 4, memoryGb: talosMem, diskGb: 100 },
      ),
      ...vmSeries(
        prod.workers ?? 0,
        31,
        'talos-w',
        servers,
        ['talos', 'talos_worker'],
        ['orchestration'],
        'talos',
        { cores: 4, memoryGb: talosMem, diskGb: 200 },
      ),
      ...vmSeries(
        dev.servers ?? 0,
        32,
        'k3s-s',
        devops,
        ['k3s', 'k3s_server'],
        ['devops', 'orchestration'],
        'ubuntu',
        { cores: 4, memoryGb: k3sMem, diskGb: 64 },
      ),
      ...vmSeries(
        dev.agents ?? 0,
        33,
        'k3s-a',
        devops,
        ['k3s', 'k3s_agent'],
        ['devops', 'orchestration'],
        'ubuntu',
        { cores: 4, memoryGb: k3sMem, diskGb: 100 },
      ),
      vmRequest(
        34,
        'apps',
        servers,
        ['docker', 'reverse_proxy'],
        ['orchestration'],
        'debian',
        { cores: 6, memoryGb: 16, diskGb: 200 },
        'apps',
      ),
    ];
  },

  vips({ spec, vlanFor, hasRole }) {
    const out: VipRequest[] = [];
    const servers = vlanFor('servers');
    const devops = vlanFor('devops');
    if (hasRole('talos_controlplane'))
      out.push({ name: 'talos-api', vlan: servers, purpose: 'Kubernetes API VIP of the Talos cluster' });
    if (hasRole('k3s_server'))
      out.push({ name: 'k3s-api', vlan: devops, purpose: 'Kubernetes API VIP of the k3s cluster' });
    const appsOn = new Set(
      (spec.apps ?? []).map((a) =>
        typeof a === 'string' ? DEFAULTS.appPlacement : (a.on ?? DEFAULTS.appPlacement),
      ),
    );
    if (appsOn.has('devops'))
      out.push({ name: 'k3s-ingress', vlan: devops, purpose: 'Ingress of the k3s cluster (MetalLB)' });
    if (appsOn.has('production'))
      out.push({
        name: 'talos-ingress',
        vlan: servers,
        purpose: 'Ingress of the Talos cluster (Cilium LB-IPAM)',
      });
    return out;
  },

  pools({ vlans, vlanFor, hasRole }) {
    const out: LbPool[] = [];
    const k3sVlan = vlans.find((v) => v.name === vlanFor('devops'))!;
    if (hasRole('k3s_server') && k3sVlan.poolRange) {
      out.push({
        name: 'k3s-lb',
        vlan: k3sVlan.name,
        range: k3sVlan.poolRange,
        purpose: 'MetalLB pool of the k3s cluster',
      });
    }
    const talosVlan = vlans.find((v) => v.name === vlanFor('servers'))!;
    // One VLAN's pool range serves one cluster: when both share a VLAN, k3s has it.
    if (hasRole('talos') && talosVlan.poolRange && talosVlan.name !== k3sVlan.name) {
      out.push({
        name: 'talos-lb',
        vlan: talosVlan.name,
        range: talosVlan.poolRange,
        purpose: 'Cilium LB-IPAM pool of the Talos cluster',
      });
    }
    return out;
  },

  services(ctx) {
    const { withRole, vlanOf, mgmt, monitor } = ctx;
    const out: Ordered<Service>[] = [];
    if (withRole('talos_controlplane').length > 0) {
      const hasK3s = withRole('k3s').length > 0;
      out.push(
        service(40, {
          name: 'talos-api',
          kind: 'infra',
          layer: 'orchestration',
          description: 'Talos machine API (talosctl)',
          hosts: withRole('talos'),
          ports: [tcp('apid', 50000)],
          consumers: [mgmt],
          health: { port: 'apid' },
        }),
        service(41, {
          name: 'kubernetes-api',
          kind: 'infra',
          layer: 'orchestration',
          description: 'Kubernetes API of the production (Talos) cluster, on its VIP',
          hosts: ['talos-api'],
          ports: [tcp('https', 6443)],
          // The DevOps cluster deploys to production; nothing else outside management needs its API.
          consumers: [mgmt, ...(hasK3s ? [{ kind: 'role', role: 'k3s' } as const] : []), monitor],
          health: { port: 'https', path: '/readyz', scheme: 'https', expect: 401 },
        }),
      );
    }
    if (withRole('k3s_server').length > 0) {
      out.push(
        service(45, {
          name: 'k3s-api',
          kind: 'infra',
          layer: 'devops',
          description: 'Kubernetes API of the DevOps (k3s) cluster, on its VIP',
          hosts: ['k3s-api'],
          ports: [tcp('https', 6443)],
          consumers: [mgmt, { kind: 'vlan', vlan: vlanOf('devops') ?? mgmt.vlan }, monitor],
          health: { port: 'https', path: '/readyz', scheme: 'https', expect: 401 },
        }),
      );
    }
    // kube-state-metrics of each cluster (kube/monitoring.ts), on its NodePort at the first control plane.
    if (withRole('prometheus').length > 0) {
      const ksm = (order: number, cluster: AppCluster, layer: string, node: string | undefined) => {
        if (!node) return;
        out.push(
          service(order, {
            name: kubeStateMetricsService(cluster),
            kind: 'infra',
            layer,
            description: `kube-state-metrics of the ${cluster} cluster (its nodes' and workloads' state), on a NodePort`,
            hosts: [node],
            placement: cluster,
            ports: [tcp('metrics', KUBE_STATE_METRICS_NODE_PORT)],
            consumers: [monitor],
            metrics: { port: 'metrics', path: '/metrics' },
          }),
        );
      };
      ksm(42, 'production', 'orchestration', withRole('talos_controlplane')[0]);
      ksm(46, 'devops', 'devops', withRole('k3s_server')[0]);
    }
    out.push(...appServices(ctx));
    // A cluster app with metrics: its NodePort at the cluster's first node (kube/manifests.ts, metrics.yaml).
    if (withRole('prometheus').length > 0)
      for (const e of specApps(ctx.spec)) {
        const app = findApp(e.name);
        const cluster = e.on ?? DEFAULTS.appPlacement;
        if (!app?.metrics || (cluster !== 'production' && cluster !== 'devops')) continue;
        const node = withRole(cluster === 'production' ? 'talos_controlplane' : 'k3s_server')[0];
        if (!node) continue;
        out.push(
          service(101, {
            name: appMetricsService(app),
            kind: 'infra',
            layer: 'orchestration',
            description: `${app.description}: its metrics on the ${cluster} cluster, on a NodePort`,
            hosts: [node],
            placement: cluster,
            ports: [tcp('metrics', appMetricsNodePort(app))],
            consumers: [monitor],
            metrics: { port: 'metrics', path: app.metrics.path },
          }),
        );
      }
    return out;
  },

  slice({ spec, withRole, vips, pools, versions }) {
    return {
      production: {
        controlPlanes: withRole('talos_controlplane'),
        workers: withRole('talos_worker'),
        version: spec.production?.version ?? versions.talos,
        ...(vips.some((v) => v.name === 'talos-api') ? { vip: 'talos-api' } : {}),
        podSubnet: spec.production?.podSubnet ?? DEFAULTS.production.podSubnet,
        serviceSubnet: spec.production?.serviceSubnet ?? DEFAULTS.production.serviceSubnet,
      },
      devops: {
        servers: withRole('k3s_server'),
        agents: withRole('k3s_agent'),
        version: spec.devops?.version ?? versions.k3s,
        ...(vips.some((v) => v.name === 'k3s-api') ? { vip: 'k3s-api' } : {}),
        ...(pools.some((p) => p.name === 'k3s-lb') ? { pool: 'k3s-lb' } : {}),
        podSubnet: spec.devops?.podSubnet ?? DEFAULTS.devops.podSubnet,
        serviceSubnet: spec.devops?.serviceSubnet ?? DEFAULTS.devops.serviceSubnet,
      },
    };
  },
};

/** Apps from the catalog: compose apps run on the apps VM behind the reverse proxy, others on a cluster's ingress. */
function appServices({
  spec,
  withRole,
  vlanOf,
  mgmt,
  domain,
  versions,
}: Parameters<NonNullable<typeof orchestrationSite.services>>[0]): Ordered<Service>[] {
  const proxyHost = withRole('reverse_proxy')[0];
  const clients: Endpoint[] = [mgmt];
  const clientVlan = vlanOf('clients');
  if (clientVlan)
    clients.push({ kind: 'vlan', vlan: clientVlan, because: 'people use the apps from their devices' });
  clients.push({ kind: 'tailnet' });
  const apps: Ordered<Service>[] = [];
  for (const e of specApps(spec)) {
    const app = findApp(e.name);
    if (!app) continue; // reported by the unknown-app rule
    const placement = e.on ?? DEFAULTS.appPlacement;
    const hosts =
      placement === 'compose'
        ? proxyHost
          ? [proxyHost]
          : []
        : placement === 'devops'
          ? ['k3s-ingress']
          : ['talos-ingress'];
    // The app's own image, pinned by digest in the versions catalog (absent: the check reports it).
    const image = versions.images[app.containers[0]!.image];
    const tag = image ? parseImageRef(image)?.tag : undefined;
    // An app pinned in beelab.yaml (`v2.4.0@sha256:…`) is already in the catalog's image (site/app-pins.ts).
    const version = tag ?? e.version?.split('@')[0];
    apps.push(
      service(100, {
        name: app.name,
        kind: 'app',
        layer: 'orchestration',
        description: app.description,
        hosts,
        placement,
        ...(version ? { version } : {}),
        ...(image ? { image } : {}),
        ports: [...app.ports, tcp('https', 443)],
        consumers: clients,
        fqdn: `${e.subdomain ?? app.subdomain}.${domain}`,
        volumes: app.volumes.map((v) => `/srv/apps/${app.name}/${v}`),
        health: {
          port: app.health.port,
          path: app.health.path,
          ...(app.health.expect ? { expect: app.health.expect } : {}),
        },
        ...(app.metrics ? { metrics: app.metrics } : {}),
        proxied: true,
      }),
    );
  }
  return apps;
}
