// The cluster apps of a Site: each app service placed on the production (Talos) or DevOps (k3s) cluster, with its
// catalog entry, the cluster's ingress VIP and its folder k8s/<cluster>/apps/<app>/.
import { APP_CATALOG, type CatalogApp, findApp } from '../../../catalog/apps.ts';
import type { Service, Site, Vip } from '../../../site/types.ts';

/** The clusters apps can run on, by their key in the Site (and their folder under k8s/). */
export type AppCluster = 'production' | 'devops';

export interface ClusterApp {
  service: Service;
  app: CatalogApp;
  cluster: AppCluster;
  /** The cluster's ingress VIP: the address DNS gives the app's name, the shared ingress's and its L4 ports'. */
  ingress: Vip;
  /** `k8s/<cluster>/apps/<app>`: its manifests and kustomization.yaml. */
  dir: string;
  /** https://<fqdn> */
  url: string;
}

/** The folder of a cluster's apps: `kubectl apply -k k8s/<cluster>/apps` deploys them all. */
export const clusterAppsDir = (cluster: AppCluster) => `k8s/${cluster}/apps`;

/** Every app on a cluster whose ingress VIP exists, in Site order (the apps on compose are the compose part's). */
export function clusterApps(site: Site): ClusterApp[] {
  const out: ClusterApp[] = [];
  for (const service of site.services) {
    if (service.kind !== 'app') continue;
    const cluster = service.placement;
    if (cluster !== 'production' && cluster !== 'devops') continue;
    const app = findApp(service.name);
    const ingress = site.vips.find((v) => v.name === service.hosts[0]);
    if (!app || !ingress || !service.fqdn) continue;
    out.push({
      service,
      app,
      cluster,
      ingress,
      dir: `${clusterAppsDir(cluster)}/${app.name}`,
      url: `https://${service.fqdn}`,
    });
  }
  return out;
}

/** The app's ports other than its web port: reached at the ingress VIP through a LoadBalancer Service. */
export function l4Ports(a: Pick<ClusterApp, 'app'>) {
  return a.app.ports.filter((p) => p.name !== a.app.web);
}

/** The first NodePort of the apps' metrics Services; each app's is this plus its place in the catalog. */
export const APP_METRICS_NODE_PORT_BASE = 31000;

/**
 * The NodePort of an app's metrics Service on a cluster (only apps with `metrics`): fixed per catalog entry, so
 * Prometheus outside the cluster knows it and two apps never share one.
 */
export function appMetricsNodePort(app: Pick<CatalogApp, 'name'>): number {
  const i = APP_CATALOG.findIndex((a) => a.name === app.name);
  if (i < 0) throw new Error(`appMetricsNodePort: ${app.name} is no catalog app`);
  return APP_METRICS_NODE_PORT_BASE + i;
}

/** The catalog service Prometheus scrapes for a cluster app's metrics (its NodePort at the first node). */
export const appMetricsService = (app: Pick<CatalogApp, 'name'>) => `${app.name}-metrics`;
