// The Compose apps of a Site: each app service placed on compose, its catalog entry, host and data root.
import { type CatalogApp, findApp } from '../../../catalog/apps.ts';
import type { Host, Service, Site } from '../../../site/types.ts';

/** Where every app's data lives on its host; the Site's service volumes (and so the backups) name the same. */
export const APPS_DATA_ROOT = '/srv/apps';
/** Where each app's Compose project is deployed on its host. */
export const COMPOSE_ROOT = '/opt/beelab/compose';

export interface ComposeApp {
  service: Service;
  app: CatalogApp;
  host: Host;
  /** `compose/<host>/<app>`: the project's folder in the generated repository. */
  dir: string;
  /** https://<fqdn> */
  url: string;
}

/** Every app that runs on a compose host, in Site order. Apps on a cluster are the cluster renderer's. */
export function composeApps(site: Site): ComposeApp[] {
  const out: ComposeApp[] = [];
  for (const service of site.services) {
    if (service.kind !== 'app' || service.placement !== 'compose') continue;
    const app = findApp(service.name);
    const host = site.hosts.find((h) => h.name === service.hosts[0]);
    if (!app || !host || !service.fqdn) continue;
    out.push({ service, app, host, dir: `compose/${host.name}/${app.name}`, url: `https://${service.fqdn}` });
  }
  return out;
}
