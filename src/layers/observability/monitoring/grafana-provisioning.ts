// Grafana's provisioning: the Prometheus datasource on the same host and a file provider for the dashboards,
// plus one JSON file per dashboard (grafana-dashboards.ts).
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { GENERATED_NOTICE, toJson, toYaml } from '../../../tree/serialize/index.ts';
import { dashboards } from './grafana-dashboards.ts';
import { DATASOURCE, dashboardJson } from './grafana-panels.ts';
import type { ScrapeJob } from './scrape-jobs.ts';

export const GRAFANA_DIR = 'monitoring/grafana';
/** Where the grafana role puts the dashboards on the monitor; the file provider reads them from there. */
export const GRAFANA_DASHBOARDS_PATH = '/var/lib/grafana/dashboards/beelab';

function datasources(): Record<string, unknown> {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        type: DATASOURCE.type,
        uid: DATASOURCE.uid,
        access: 'proxy',
        url: 'http://127.0.0.1:9090',
        isDefault: true,
        editable: false,
        // Prometheus's scrape interval: the smallest step a panel asks for.
        jsonData: { timeInterval: '30s' },
      },
    ],
  };
}

function providers(): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'beelab',
        folder: 'Beelab',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: GRAFANA_DASHBOARDS_PATH },
      },
    ],
  };
}

/** monitoring/grafana/: provisioning/datasources, provisioning/dashboards and dashboards/<uid>.json. */
export function renderGrafana(site: Site, jobs: readonly ScrapeJob[]): FileTree {
  const tree = new FileTree();
  const header = (what: string) => ({ header: `${GENERATED_NOTICE}\n${what}` });
  tree.add(
    `${GRAFANA_DIR}/provisioning/datasources/beelab.yml`,
    toYaml(datasources(), header('Grafana datasource: /etc/grafana/provisioning/datasources/beelab.yml')),
    'observability',
  );
  tree.add(
    `${GRAFANA_DIR}/provisioning/dashboards/beelab.yml`,
    toYaml(
      providers(),
      header('Grafana dashboard provider: /etc/grafana/provisioning/dashboards/beelab.yml'),
    ),
    'observability',
  );
  for (const d of dashboards(site, jobs))
    tree.add(`${GRAFANA_DIR}/dashboards/${d.uid}.json`, toJson(dashboardJson(d)), 'observability');
  return tree;
}
