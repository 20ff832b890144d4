// prometheus.yml: global settings, the rule files next to it, the local Alertmanager and every scrape job, with
// relabelling that turns each target into host, layer, role and vlan labels and `instance` into the host name.
import type { Site } from '../../../site/types.ts';
import type { ScrapeJob } from './scrape-jobs.ts';

export const PROMETHEUS_DIR = 'monitoring/prometheus';
/** Relative to prometheus.yml, so `promtool check config` in the repository checks the rules it loads. */
export const RULES_GLOB = 'rules/*.yml';
export const ALERTMANAGER_PORT = 9093;

/** Scrape interval per exporter: API exporters are slower and their data changes slowly. */
const INTERVAL: Partial<Record<ScrapeJob['source'], string>> = { pve: '1m', pbs: '2m', nut: '30s' };

function scrapeConfig(j: ScrapeJob): Record<string, unknown> {
  const relabel: Record<string, unknown>[] = [];
  if (j.via) {
    relabel.push({ source_labels: ['__address__'], target_label: `__param_${j.via.param}` });
    if (j.targets.some((t) => t.labels.module))
      relabel.push({ source_labels: ['module'], target_label: '__param_module' });
  }
  relabel.push({
    source_labels: [j.instanceFrom ?? (j.via ? `__param_${j.via.param}` : '__address__')],
    target_label: 'instance',
  });
  if (j.via) relabel.push({ target_label: '__address__', replacement: j.via.exporter });
  const interval = INTERVAL[j.source];
  return {
    job_name: j.job,
    ...(interval ? { scrape_interval: interval } : {}),
    ...(j.metricsPath !== '/metrics' ? { metrics_path: j.metricsPath } : {}),
    ...(j.params ? { params: j.params } : {}),
    static_configs: j.targets.map((t) => ({ targets: [t.target], labels: t.labels })),
    relabel_configs: relabel,
  };
}

/** The prometheus.yml object. */
export function prometheusConfig(site: Site, jobs: readonly ScrapeJob[]): Record<string, unknown> {
  return {
    global: {
      scrape_interval: '30s',
      evaluation_interval: '30s',
      external_labels: { site: site.name },
    },
    rule_files: [RULES_GLOB],
    alerting: {
      alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${ALERTMANAGER_PORT}`] }] }],
    },
    scrape_configs: jobs.map(scrapeConfig),
  };
}
