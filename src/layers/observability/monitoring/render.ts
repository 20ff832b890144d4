// The monitoring/ tree: Prometheus's configuration, its alert rules and their unit tests, Alertmanager's routing,
// the blackbox exporter's modules, Grafana's provisioning and dashboards.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { GENERATED_NOTICE, toYaml } from '../../../tree/serialize/index.ts';
import { ALERTMANAGER_FILE, alertmanagerConfig } from './alertmanager-config.ts';
import { alertRules } from './alerts.ts';
import { monitoringRoleFiles } from './ansible.ts';
import { BLACKBOX_FILE, blackboxConfig } from './blackbox-config.ts';
import { renderGrafana } from './grafana-provisioning.ts';
import { PROMETHEUS_DIR, prometheusConfig } from './prometheus-config.ts';
import { RULE_TESTS_FILE, RULES_FILE, ruleFile, ruleTestFile } from './rule-files.ts';
import { scrapeJobs } from './scrape-jobs.ts';

/** Everything under monitoring/ and the monitor's Ansible roles; empty when the site has no Prometheus host. */
export function renderMonitoring(site: Site): FileTree {
  const tree = new FileTree();
  const jobs = scrapeJobs(site);
  if (jobs.length === 0) return tree;
  const rules = alertRules(site, jobs);
  const yaml = (value: unknown, what: string) => toYaml(value, { header: `${GENERATED_NOTICE}\n${what}` });
  tree.merge(monitoringRoleFiles()).merge(renderGrafana(site, jobs));
  const blackbox = blackboxConfig(jobs);
  if (blackbox)
    tree.add(
      BLACKBOX_FILE,
      yaml(
        blackbox,
        'Blackbox exporter on the monitor host: /etc/prometheus/blackbox.yml (the modules prometheus.yml uses)',
      ),
      'observability',
    );
  return tree
    .add(
      `${PROMETHEUS_DIR}/prometheus.yml`,
      yaml(prometheusConfig(site, jobs), 'Prometheus on the monitor host: /etc/prometheus/prometheus.yml'),
      'observability',
    )
    .add(
      `${PROMETHEUS_DIR}/${RULES_FILE}`,
      yaml(
        ruleFile(rules, site.observability.runbooks),
        'Alert rules, one group per failure scenario; runbook_url names its runbook',
      ),
      'observability',
    )
    .add(
      `${PROMETHEUS_DIR}/${RULE_TESTS_FILE}`,
      yaml(
        ruleTestFile(rules, site.observability.runbooks),
        'Unit tests of every alert rule: promtool test rules tests/alerts.test.yml',
      ),
      'observability',
    )
    .add(
      ALERTMANAGER_FILE,
      yaml(
        alertmanagerConfig(site),
        'Alertmanager on the monitor host: /etc/prometheus/alertmanager.yml (channels from beelab.yaml observability.alerts)',
      ),
      'observability',
    );
}
