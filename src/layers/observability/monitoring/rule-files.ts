// The alert rule file (one group per failure scenario) and its promtool unit tests: for every alert, the series
// that fire it with the exact labels and annotations expected, a healthy series that must not, and no alert
// before its `for` has passed.
import { FAILURE_SCENARIOS } from '../failure-scenarios.ts';
import { type AlertRule, annotations, type Labels, ruleLabels, type TestSeries } from './alerts.ts';

export const RULES_FILE = 'rules/alerts.yml';
export const RULE_TESTS_FILE = 'tests/alerts.test.yml';

/** The rule file object: groups in scenario order, rules in catalog order. */
export function ruleFile(rules: readonly AlertRule[], runbooks?: string): Record<string, unknown> {
  const groups = FAILURE_SCENARIOS.map((s) => ({
    name: s.slug,
    rules: rules
      .filter((r) => r.scenario === s.slug)
      .map((r) => ({
        alert: r.alert,
        expr: r.expr,
        ...(r.for !== '0m' ? { for: r.for } : {}),
        labels: ruleLabels(r),
        annotations: annotations(r, runbooks),
      })),
  })).filter((g) => g.rules.length > 0);
  return { groups };
}

/** `metric{a="b",...}` in promtool's series notation. */
function seriesText(s: TestSeries): string {
  const labels = Object.entries(s.labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(', ');
  return `${s.metric}{${labels}}`;
}

/** A template over `{{ $labels.NAME }}` filled from the alert's labels, as Prometheus renders it. */
export function fill(template: string, labels: Labels): string {
  return template.replace(
    /\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g,
    (_, name: string) => labels[name] ?? '<no value>',
  );
}

function minutes(duration: string): number {
  const m = /^(\d+)([mh])$/.exec(duration);
  if (!m) throw new Error(`unsupported duration ${duration}`);
  return Number(m[1]) * (m[2] === 'h' ? 60 : 1);
}

/** The expected labels of the firing alert. */
export function firingLabels(r: AlertRule): Labels {
  const first = r.test.fire[0]!;
  return { ...(r.test.labels ?? first.labels), alertname: r.alert, ...ruleLabels(r) };
}

/** The promtool test file: one test per alert, loading the rule file by its path relative to the test file. */
export function ruleTestFile(rules: readonly AlertRule[], runbooks?: string): Record<string, unknown> {
  return {
    rule_files: [`../${RULES_FILE}`],
    evaluation_interval: '1m',
    tests: rules.map((r) => {
      const labels = firingLabels(r);
      const { alertname: _a, ...expLabels } = labels;
      const at = r.test.at ?? '30m';
      const waits = minutes(r.for) > 0;
      return {
        name: `${r.alert} fires on its failing series and stays quiet on the healthy one`,
        interval: r.test.interval ?? '1m',
        input_series: [...r.test.fire, ...r.test.calm].map((s) => ({
          series: seriesText(s),
          values: s.values,
        })),
        alert_rule_test: [
          // Not yet: the condition holds for less than `for` at the first evaluation.
          ...(waits ? [{ eval_time: '0m', alertname: r.alert, exp_alerts: [] }] : []),
          {
            eval_time: at,
            alertname: r.alert,
            exp_alerts: [
              {
                exp_labels: expLabels,
                exp_annotations: Object.fromEntries(
                  Object.entries(annotations(r, runbooks)).map(([k, v]) => [k, fill(v, labels)]),
                ),
              },
            ],
          },
        ],
      };
    }),
  };
}
