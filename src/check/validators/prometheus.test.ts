import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../test/support/check-site.ts';
import { needTool } from '../../../test/support/tools.ts';
import { amtool } from './amtool.ts';
import { parseGoYamlErrors } from './go-yaml-output.ts';
import { promtool } from './promtool.ts';

afterAll(removeSites);

const CONFIG = `global:
  scrape_interval: 30s
rule_files:
  - /etc/prometheus/rules/*.yml
scrape_configs:
  - job_name: node
    bearer_token_file: /etc/prometheus/token-that-exists-only-on-the-server
    static_configs:
      - targets: ['10.0.0.11:9100']
`;
const RULES = `groups:
  - name: node
    rules:
      - alert: NodeDown
        expr: up{job="node"} == 0
        for: 5m
`;
const ALERTMANAGER = `route:
  receiver: default
receivers:
  - name: default
`;

describe('promtool file selection', () => {
  it('takes prometheus.yml, rule files under prometheus/**/rules|alerts or *.rules.yml, and rule tests under prometheus/**/tests', () => {
    const files = [
      'observability/prometheus/prometheus.yml',
      'observability/prometheus/rules/node.yml',
      'observability/prometheus/alerts/backup.yaml',
      'observability/prometheus/tests/alerts.test.yml',
      'observability/prometheus/targets/nodes.yml',
      'k8s/monitoring/gpu.rules.yml',
      'observability/alertmanager/alertmanager.yml',
    ];
    expect(promtool.applies(files, undefined as never)).toEqual([
      'observability/prometheus/prometheus.yml',
      'observability/prometheus/rules/node.yml',
      'observability/prometheus/alerts/backup.yaml',
      'observability/prometheus/tests/alerts.test.yml',
      'k8s/monitoring/gpu.rules.yml',
    ]);
  });
});

describe.runIf(needTool('promtool', 'apt-get install prometheus'))('promtool validator', () => {
  it('passes a config (whose server-side files need not exist here) and its rules', async () => {
    const r = await checkWith(promtool, {
      'observability/prometheus/prometheus.yml': CONFIG,
      'observability/prometheus/rules/node.yml': RULES,
    });
    expect(r.status).toBe('passed');
    expect(r.files).toBe(2);
    expect(r.diagnostics).toEqual([]);
  });

  it('fails a bad PromQL expression at its line:col and an unknown rule field at its line', async () => {
    const bad =
      RULES.replace('up{job="node"} == 0', 'up{job="node" == 0') +
      '      - alert: X\n        expr: up\n        bogus: 1\n';
    const r = await checkWith(promtool, { 'observability/prometheus/rules/node.yml': bad });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual(['observability/prometheus/rules/node.yml:9: error promtool']);
    expect(r.diagnostics[0]!.message).toBe('field bogus not found in type rulefmt.RuleNode');

    const exprOnly = RULES.replace('up{job="node"} == 0', 'up{job="node" == 0');
    const r2 = await checkWith(promtool, { 'observability/prometheus/rules/node.yml': exprOnly });
    expect(where(r2)).toEqual(['observability/prometheus/rules/node.yml:5:15 error promtool']);
    expect(r2.diagnostics[0]!.message).toMatch(
      /^group "node", rule 1, "NodeDown": could not parse expression/,
    );
  });

  it('fails a bad config value and a YAML syntax error', async () => {
    const r = await checkWith(promtool, {
      'prometheus/prometheus.yml': CONFIG.replace('30s', '30x'),
      'other/prometheus.yaml': 'global: [\n',
    });
    expect(r.status).toBe('failed');
    expect(r.diagnostics.map((d) => [d.location?.file, d.location?.line, d.message])).toEqual([
      ['other/prometheus.yaml', 1, 'did not find expected node content'],
      ['prometheus/prometheus.yml', undefined, 'not a valid duration string: "30x"'],
    ]);
  });
});

describe.runIf(needTool('amtool', 'apt-get install prometheus-alertmanager'))('amtool validator', () => {
  it('passes a valid Alertmanager config', async () => {
    const r = await checkWith(amtool, { 'observability/alertmanager/alertmanager.yml': ALERTMANAGER });
    expect(r.status).toBe('passed');
    expect(r.diagnostics).toEqual([]);
  });

  it('fails an unknown field at its line and an undefined receiver', async () => {
    const r = await checkWith(amtool, {
      'a/alertmanager.yml': `${ALERTMANAGER}    bogus: 1\n`,
      'b/alertmanager.yml': ALERTMANAGER.replace('receiver: default', 'receiver: nosuch'),
    });
    expect(r.status).toBe('failed');
    expect(r.diagnostics.map((d) => [d.location?.file, d.location?.line, d.message])).toEqual([
      ['a/alertmanager.yml', 5, 'field bogus not found in type config.plain'],
      ['b/alertmanager.yml', undefined, 'undefined receiver "nosuch" used in route'],
    ]);
  });
});

describe('parseGoYamlErrors', () => {
  it('attributes rule-file errors reported through `promtool check config` to the rule file', () => {
    const stdout = [
      'Checking prom/prometheus.yml',
      '  SUCCESS: 1 rule files found',
      '',
      'Checking prom/rules/bad.yml',
      '  FAILED:',
      '     prom/rules/bad.yml: yaml: unmarshal errors:',
      '  line 9: field foo not found in type rulefmt.RuleNode',
      '',
      'Checking prom/rules/ok.yml',
      '  SUCCESS: 1 rules found',
    ].join('\n');
    expect(parseGoYamlErrors('/site', 'prom/prometheus.yml', stdout, 'promtool')).toEqual([
      {
        code: 'promtool',
        severity: 'error',
        message: 'field foo not found in type rulefmt.RuleNode',
        location: { file: 'prom/rules/bad.yml', line: 9 },
      },
    ]);
  });
});
