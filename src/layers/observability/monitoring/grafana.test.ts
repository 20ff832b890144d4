// Grafana's provisioning and dashboards: every dashboard parses, reads the provisioned datasource, has the rows
// it promises (one per layer on the overview); every query is PromQL the real parser accepts (promtool check
// rules) and names only metrics a scrape job of the site produces — the node exporter's and the blackbox
// exporter's read from the real programs run here, the gateway's from its own registry, the PBS exporter's from
// its published list.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkWith, removeSites } from '../../../../test/support/check-site.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { freePort, startDaemon } from '../../../../test/support/local-daemon.ts';
import { needTool } from '../../../../test/support/tools.ts';
import { promtool } from '../../../check/validators/promtool.ts';
import { GatewayMetrics } from '../../../gateway/gateway-metrics.ts';
import { BLACKBOX_FILE } from './blackbox-config.ts';
import { GRAFANA_DIR } from './grafana-provisioning.ts';
import { renderMonitoring } from './render.ts';
import { NODE_EXPORTER, scrapeJobs } from './scrape-jobs.ts';

afterAll(removeSites);

const EXAMPLES = ['reference', 'compact', 'single'] as const;
type Example = (typeof EXAMPLES)[number];

interface PanelJson {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string }[];
}

function dashboardsOf(name: Example): Map<string, { title: string; uid: string; panels: PanelJson[] }> {
  const out = new Map();
  for (const [path, f] of renderMonitoring(exampleSite(name)).entries())
    if (path.startsWith(`${GRAFANA_DIR}/dashboards/`)) out.set(path, JSON.parse(f.content));
  return out;
}

const exprsOf = (name: Example) =>
  [...dashboardsOf(name).values()].flatMap((d) =>
    d.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ dashboard: d.uid, panel: p.title, expr: t.expr })),
    ),
  );

/** The metric names a PromQL expression selects: identifiers that are neither functions, keywords nor labels. */
function metricNames(expr: string): string[] {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
  const out: string[] = [];
  for (const m of s.matchAll(/(?<![\w.])[A-Za-z_:][\w:]*/g)) {
    const after = s.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(') || keywords.has(m[0].toLowerCase())) continue;
    out.push(m[0]);
  }
  return out;
}

/** Metric names in Prometheus's text exposition format (histograms and summaries with their series). */
function exposed(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      names.add(type[1]!);
      if (type[2] === 'histogram') for (const x of ['_bucket', '_sum', '_count']) names.add(type[1]! + x);
      if (type[2] === 'summary') for (const x of ['_sum', '_count']) names.add(type[1]! + x);
    } else if (/^[A-Za-z_:]/.test(line)) names.add(/^[A-Za-z_:][\w:]*/.exec(line)![0]);
  }
  return names;
}

/** Series Prometheus itself makes: per target on every scrape, and ALERTS for the alerting rules it evaluates. */
const PROMETHEUS_OWN = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'ALERTS',
  'ALERTS_FOR_STATE',
];

describe('Grafana provisioning', () => {
  it('provisions the Prometheus datasource every panel reads and a file provider for the dashboards', () => {
    const files = renderMonitoring(exampleSite('reference'));
    const ds = parse(files.get(`${GRAFANA_DIR}/provisioning/datasources/beelab.yml`)!.content);
    expect(ds.datasources).toMatchObject([
      { type: 'prometheus', uid: 'prometheus', url: 'http://127.0.0.1:9090', isDefault: true },
    ]);
    const providers = parse(files.get(`${GRAFANA_DIR}/provisioning/dashboards/beelab.yml`)!.content);
    expect(providers.providers[0]).toMatchObject({
      type: 'file',
      options: { path: '/var/lib/grafana/dashboards/beelab' },
    });
    for (const d of dashboardsOf('reference').values())
      for (const p of d.panels.filter((x) => x.type !== 'row'))
        expect(p.datasource, `${d.uid}/${p.title}`).toEqual({ type: 'prometheus', uid: 'prometheus' });
  });

  it.each(EXAMPLES)('%s: dashboards have unique panel ids and lay out inside 24 columns', (name) => {
    for (const d of dashboardsOf(name).values()) {
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, d.uid).toBe(ids.length);
      for (const p of d.panels)
        expect(p.gridPos.x + p.gridPos.w, `${d.uid}/${p.title}`).toBeLessThanOrEqual(24);
    }
  });

  it('the reference build has the overview (a row per layer), hosts, backups, AI gateway and firewall', () => {
    const site = exampleSite('reference');
    const all = dashboardsOf('reference');
    expect([...all.keys()].map((p) => p.split('/').pop()).sort()).toEqual([
      'beelab-ai-gateway.json',
      'beelab-backups.json',
      'beelab-firewall.json',
      'beelab-hosts.json',
      'beelab-overview.json',
    ]);
    const layers = new Set(scrapeJobs(site).flatMap((j) => j.targets.map((t) => t.labels.layer)));
    const rows = all
      .get(`${GRAFANA_DIR}/dashboards/beelab-overview.json`)!
      .panels.filter((p) => p.type === 'row');
    expect(
      rows
        .map((r) => r.title)
        .slice(1)
        .sort(),
    ).toEqual([...layers].map((l) => `Layer: ${l}`).sort());
  });

  it('a site without a backup server or an AI mesh has no dashboards for them', () => {
    const names = [...dashboardsOf('single').keys()].map((p) => p.split('/').pop());
    const jobs = scrapeJobs(exampleSite('single')).map((j) => j.job);
    expect(names.includes('beelab-backups.json')).toBe(jobs.includes('pbs'));
    expect(names.includes('beelab-ai-gateway.json')).toBe(jobs.includes('ai-gateway-admin'));
  });

  it('metricNames reads the selectors of an expression, not its functions, labels or keywords', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le) (rate(x_bucket{a="b{c}"}[5m]))) / on (host) group_left (role) y or vector(0) and bool z offset 5m',
      ),
    ).toEqual(['x_bucket', 'y', 'z']);
  });
});

describe.runIf(needTool('promtool', 'apt-get install prometheus'))('every query is PromQL', () => {
  it.each(['reference', 'single'] as const)(
    '%s: promtool parses every expression',
    async (name) => {
      const exprs = exprsOf(name);
      const rules = {
        groups: [
          {
            name: 'dashboards',
            rules: exprs.map((e, i) => ({ record: `dashboard:query_${i}:check`, expr: e.expr })),
          },
        ],
      };
      const r = await checkWith(promtool, { 'prometheus/rules/dashboards.yml': JSON.stringify(rules) });
      expect(r.diagnostics).toEqual([]);
      expect(r.status).toBe('passed');
    },
    60_000,
  );
});

const NODE_EXPORTER_BIN = 'prometheus-node-exporter';
const BLACKBOX_BIN = 'prometheus-blackbox-exporter';

describe.runIf(
  needTool(NODE_EXPORTER_BIN, 'apt-get install prometheus-node-exporter') &&
    needTool(BLACKBOX_BIN, 'apt-get install prometheus-blackbox-exporter'),
)('every query names a metric a job of the site scrapes', () => {
  const stops: (() => Promise<void>)[] = [];
  let node = new Set<string>();
  let blackbox = new Set<string>();
  let dir = '';

  beforeAll(async () => {
    const [np, bp] = [await freePort(), await freePort()];
    const n = await startDaemon(
      NODE_EXPORTER_BIN,
      [`--web.listen-address=127.0.0.1:${np}`],
      `http://127.0.0.1:${np}/metrics`,
    );
    stops.push(n.stop);
    node = exposed(await (await fetch(`http://127.0.0.1:${np}/metrics`)).text());
    // The rendered modules: a ping and an HTTP probe of the node exporter give every probe_* series.
    dir = mkdtempSync(join(tmpdir(), 'beelab-grafana-'));
    writeFileSync(
      join(dir, 'blackbox.yml'),
      renderMonitoring(exampleSite('reference')).get(BLACKBOX_FILE)!.content,
    );
    const b = await startDaemon(
      BLACKBOX_BIN,
      [`--web.listen-address=127.0.0.1:${bp}`, `--config.file=${join(dir, 'blackbox.yml')}`],
      `http://127.0.0.1:${bp}/-/healthy`,
    );
    stops.push(b.stop);
    const probe = async (module: string, target: string) =>
      exposed(
        await (
          await fetch(`http://127.0.0.1:${bp}/probe?module=${module}&target=${encodeURIComponent(target)}`)
        ).text(),
      );
    blackbox = new Set([
      ...(await probe('icmp', '127.0.0.1')),
      ...(await probe('http_2xx', `http://127.0.0.1:${np}/metrics`)),
    ]);
  }, 30_000);

  afterAll(async () => {
    for (const stop of stops) await stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** What each job produces; the PBS exporter cannot run here (it needs a PBS), so its published list. */
  function produced(name: Example): Set<string> {
    const jobs = scrapeJobs(exampleSite(name)).map((j) => j.job);
    const out = new Set(PROMETHEUS_OWN);
    const add = (names: Iterable<string>) => {
      for (const n of names) out.add(n);
    };
    if (jobs.includes(NODE_EXPORTER)) add(node);
    if (jobs.some((j) => j.startsWith('blackbox-'))) add(blackbox);
    if (jobs.includes('ai-gateway-admin'))
      add(
        exposed(
          new GatewayMetrics(
            [],
            () => 0,
            () => 0,
          ).registry.render(),
        ),
      );
    if (jobs.includes('pbs'))
      add(
        readFileSync(
          new URL('../../../../test/reference/exporter-metrics/pbs-exporter.txt', import.meta.url),
          'utf8',
        )
          .split('\n')
          .filter((l) => /^[a-z]/.test(l)),
      );
    return out;
  }

  it.each(EXAMPLES)('%s', (name) => {
    const have = produced(name);
    const missing = exprsOf(name).flatMap((e) =>
      metricNames(e.expr)
        .filter((m) => !have.has(m))
        .map((m) => `${e.dashboard} / ${e.panel}: ${m}`),
    );
    expect(missing).toEqual([]);
    // The check has teeth: the real exporters gave what the dashboards read.
    expect(have.has('node_cpu_seconds_total') && have.has('probe_success')).toBe(true);
  });
});
