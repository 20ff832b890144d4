// Prometheus from the catalog: every scenario alerted with its runbook, every alert unit-tested, scrape jobs
// from the services, the flows Prometheus needs, the located error for a metrics port no flow reaches; and the
// real promtool on the rendered output of every example, including a broken rule its own test catches.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkWith, removeSites, where } from '../../../../test/support/check-site.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { needTool } from '../../../../test/support/tools.ts';
import { promtool } from '../../../check/validators/promtool.ts';
import { formatLocation } from '../../../kernel/diagnostic.ts';
import { parseSiteSpec } from '../../../project/spec.ts';
import { FAILURE_SCENARIOS } from '../failure-scenarios.ts';
import { alertRules, alertSummaries } from './alerts.ts';
import { backupMaxAgeSeconds, schedulePeriodSeconds } from './backup-age.ts';
import { renderMonitoring } from './render.ts';
import { scrapeJobs } from './scrape-jobs.ts';

afterAll(removeSites);

const EXAMPLES = ['reference', 'compact', 'single'] as const;
const DIR = 'monitoring/prometheus';
const files = (name: (typeof EXAMPLES)[number]) =>
  Object.fromEntries([...renderMonitoring(exampleSite(name)).entries()].map(([p, f]) => [p, f.content]));

describe('alert rules', () => {
  const site = exampleSite('reference');
  const jobs = scrapeJobs(site);
  const rules = alertRules(site, jobs);

  it('alert on every failure scenario of the reference build but the loss of the whole site', () => {
    const covered = new Set(rules.map((r) => r.scenario));
    expect(FAILURE_SCENARIOS.map((s) => s.slug).filter((s) => !covered.has(s))).toEqual(['site-lost']);
  });

  it('name their scenario, link its runbook, and read only metrics a job of the site scrapes', () => {
    const rendered = parse(files('reference')[`${DIR}/rules/alerts.yml`]);
    const names = new Set(jobs.map((j) => j.job));
    for (const group of rendered.groups) {
      for (const r of group.rules) {
        expect(r.labels.scenario).toBe(group.name);
        expect(r.annotations.runbook_url).toBe(`docs/runbooks/${group.name}.md`);
        expect(['critical', 'warning']).toContain(r.labels.severity);
      }
    }
    for (const r of rules)
      expect(
        r.jobs.some((j) => names.has(j)),
        r.alert,
      ).toBe(true);
    expect(alertSummaries(site, jobs).map((a) => a.name)).toEqual(rules.map((r) => r.alert));
  });

  it('each have a unit test that expects it to fire with its labels and runbook', () => {
    const tests = parse(files('reference')[`${DIR}/tests/alerts.test.yml`]);
    expect(tests.rule_files).toEqual(['../rules/alerts.yml']);
    const tested = tests.tests.flatMap(
      (t: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }) =>
        t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
    );
    expect(tested).toEqual(rules.map((r) => r.alert));
  });

  it('drop alerts whose metrics nothing scrapes (no AI mesh, no watchdog, no backup server)', () => {
    const small = exampleSite('compact');
    const names = alertRules(small, scrapeJobs(small)).map((r) => r.alert);
    expect(names).toContain('HostDown');
    for (const r of alertRules(small, scrapeJobs(small)))
      expect(r.jobs.some((j) => scrapeJobs(small).some((x) => x.job === j))).toBe(true);
  });
});

describe('backup age', () => {
  it.each([
    ['*-*-* 02:00', 1],
    ['daily', 1],
    ['Sun *-*-* 03:00', 7],
    ['Mon,Thu *-*-* 03:00', 1],
    ['*-*-01 04:00', 31],
    ['weekly', 7],
  ])('%s runs every %i day(s)', (schedule, days) => {
    expect(schedulePeriodSeconds(schedule)).toBe(days * 86400);
  });
  it('allows one period plus a quarter of it, at least six hours', () => {
    expect(backupMaxAgeSeconds('*-*-* 02:00')).toBe(30 * 3600);
    expect(backupMaxAgeSeconds('weekly')).toBe(7 * 86400 + 42 * 3600);
  });
});

describe('scrape jobs', () => {
  const site = exampleSite('reference');
  const jobs = scrapeJobs(site);
  const job = (name: string) => jobs.find((j) => j.job === name)!;

  it('scrape every catalog service with /metrics on a host, by service name, labelled by host and layer', () => {
    const withMetrics = site.services.filter(
      (s) => s.metrics && s.hosts.some((h) => site.hosts.some((x) => x.name === h)),
    );
    expect(jobs.filter((j) => j.source === 'service').map((j) => j.job)).toEqual(
      withMetrics.map((s) => s.name),
    );
    const immich = job('immich').targets;
    expect(immich).toEqual([
      {
        target: `${site.hosts.find((h) => h.name === 'apps')!.address}:2283`,
        labels: { host: 'apps', layer: 'orchestration', role: 'reverse_proxy', vlan: 'servers' },
      },
    ]);
  });

  it('run a node exporter job over every host something installs one on, in the host’s own layer', () => {
    const nodes = job('node-exporter').targets;
    // Plugs and KVMs are watched by ping alone; the Talos nodes by their DaemonSet (k8s/production/monitoring).
    const unwatched = site.hosts.filter((h) => h.kind === 'appliance' && !h.roles.includes('firewall'));
    const talos = site.hosts.filter((h) => h.os === 'talos');
    expect(talos.length).toBeGreaterThan(0);
    expect(nodes.map((t) => t.labels.host)).toEqual(
      site.hosts.filter((h) => !unwatched.includes(h)).map((h) => h.name),
    );
    for (const h of talos)
      expect(nodes.find((t) => t.labels.host === h.name)?.labels.layer).toBe('orchestration');
    const pve1 = nodes.find((t) => t.labels.host === 'pve1')!;
    expect(pve1.labels).toMatchObject({ layer: 'physical', role: 'pve_primary', behind_firewall: 'true' });
    // The monitor's own VLAN is not behind the firewall.
    expect(nodes.find((t) => t.labels.host === 'apps')!.labels.behind_firewall).toBeUndefined();
  });

  it('ping every host, probe every health check and every proxied name, and read PVE, PBS and the UPS', () => {
    expect(job('blackbox-icmp').targets.map((t) => t.labels.host)).toEqual(site.hosts.map((h) => h.name));
    const https = job('blackbox-https').targets.map((t) => t.target);
    for (const s of site.services.filter((x) => x.proxied))
      expect(https).toContain(`https://${s.fqdn}${s.health?.path ?? '/'}`);
    expect(job('blackbox-http').targets.map((t) => t.target)).toContain('https://10.20.10.11:8006/');
    expect(job('pve').targets.map((t) => t.target)).toEqual(['10.20.10.11', '10.20.10.12', '10.20.10.13']);
    expect(job('pbs').targets.map((t) => t.target)).toEqual([
      'https://10.20.10.14:8007',
      'https://10.20.10.15:8007',
    ]);
    expect(job('nut')).toMatchObject({ via: { param: 'server' }, params: { ups: ['ups'] } });
  });

  it('come with the flows that let Prometheus reach them: an app’s own metrics port, pings to every VLAN', () => {
    const flow = (id: string) => site.flows.find((f) => f.id === id);
    expect(flow('monitoring:metrics->immich@apps/tcp')).toMatchObject({
      from: { kind: 'role', role: 'prometheus' },
      to: { kind: 'host', host: 'apps' },
      ports: [2283],
    });
    expect(flow('monitoring:https-name->immich@apps/tcp')?.ports).toEqual([443]);
    for (const v of site.vlans) expect(flow(`monitoring:icmp->vlan:${v.name}`)?.protocol).toBe('icmp');
    // The node exporters' flows come from their own service: nothing added twice.
    expect(site.flows.filter((f) => f.id.startsWith('monitoring:metrics->node-exporter'))).toEqual([]);
  });
});

describe('a service of yours with metrics', () => {
  const base = readFileSync(new URL('../../../../examples/reference/beelab.yaml', import.meta.url), 'utf8');
  const withService = (extra: string) =>
    base.replace(
      'apps:\n  - immich',
      `services:\n  - name: meter\n    host: pve2\n    description: Power meter\n    ports: [{ name: metrics, port: 9200 }]\n    metrics: { port: metrics, path: /metrics }\n${extra}apps:\n  - immich`,
    );

  it('that no flow lets Prometheus reach is a located error naming the missing flow', () => {
    const text = withService('');
    const found = parseSiteSpec(text).diagnostics.filter((d) => d.code === 'monitoring/metrics-unreachable');
    expect(found).toHaveLength(1);
    const line = text.split('\n').findIndex((l) => l.includes('metrics: { port: metrics')) + 1;
    expect(formatLocation(found[0]!.location)).toBe(`beelab.yaml:${line}:22`);
    expect(found[0]!.message).toContain('the flow role:prometheus -> pve2 tcp 9200 is missing');
    expect(found[0]!.hint).toContain('{ role: prometheus }');
  });

  it('is scraped once Prometheus is among its consumers', () => {
    const text = withService('    consumers: [{ role: prometheus }]\n');
    const parsed = parseSiteSpec(text);
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it.each([
    [
      'not an http(s) URL',
      'git.example.com/rack',
      'is not an http(s) URL: write it like https://git.example.com/',
    ],
    ['a query', 'https://git.example.com/ops/rack/src/branch/main?x=1', 'has a query or fragment'],
    ['a fragment', 'https://git.example.com/ops/rack/src/branch/main#top', 'has a query or fragment'],
    ['a template', 'https://git.example.com/{{ .Value }}/', 'contains whitespace'],
    ['5000 characters', `https://git.example.com/${'a'.repeat(4976)}`, 'is 5000 characters'],
  ])('a runbooks address with %s is a located error', (_what, value, message) => {
    const text = base.replace('  alerts:\n', `  runbooks: "${value}"\n  alerts:\n`);
    expect(text).not.toBe(base);
    const errors = parseSiteSpec(text).diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain(message);
    const line = text.split('\n').findIndex((l) => l.includes('runbooks:')) + 1;
    expect(formatLocation(errors[0]!.location)).toBe(`beelab.yaml:${line}:13`);
  });

  it.each([
    ['no target', '    - type: ntfy\n', 'observability.alerts[0].target is required'],
    ['an empty target', "    - type: webhook\n      target: ''\n", 'observability.alerts[0].target'],
  ])('an alert channel with %s is a located error', (_what, channel, message) => {
    const text = base.replace('    - type: email\n      target: admin@example.com\n', channel);
    const errors = parseSiteSpec(text).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.message).toContain(message);
    expect(formatLocation(errors[0]!.location)).toMatch(/^beelab\.yaml:\d+:\d+$/);
  });
});

describe.runIf(needTool('promtool', 'apt-get install prometheus'))(
  'promtool on the rendered monitoring',
  () => {
    // promtool is slow on a loaded machine (a second or more per run): two examples span the largest and smallest.
    it.each(['reference', 'single'] as const)(
      '%s: the config, its rules and every rule test pass',
      async (name) => {
        const r = await checkWith(promtool, files(name));
        expect(r.diagnostics).toEqual([]);
        expect(r.status).toBe('passed');
        expect(r.files).toBe(3);
      },
      120_000,
    );

    it('with observability.runbooks, every runbook_url is a link under it, and the rule tests expect that link', async () => {
      const site = exampleSite('single');
      const base = 'https://git.example.com/ops/rack/src/branch/main';
      const f = Object.fromEntries(
        [
          ...renderMonitoring({
            ...site,
            observability: { ...site.observability, runbooks: base },
          }).entries(),
        ].map(([p, file]) => [p, file.content]),
      );
      const groups = parse(f[`${DIR}/rules/alerts.yml`]!).groups as {
        name: string;
        rules: { annotations: Record<string, string> }[];
      }[];
      expect(groups.length).toBeGreaterThan(0);
      for (const g of groups)
        for (const r of g.rules) expect(r.annotations.runbook_url).toBe(`${base}/docs/runbooks/${g.name}.md`);
      const r = await checkWith(promtool, f);
      expect(r.diagnostics).toEqual([]);
      expect(r.status).toBe('passed');
    }, 120_000);

    it('a rule that no longer fires fails its own unit test, located at the test', async () => {
      const f = files('reference');
      const rules = `${DIR}/rules/alerts.yml`;
      f[rules] = f[rules]!.replace('role!~"firewall|pve_primary', 'role=~"nothing|pve_primary');
      const r = await checkWith(promtool, f);
      expect(r.status).toBe('failed');
      const at = where(r).filter((w) => w.startsWith(`${DIR}/tests/alerts.test.yml:`));
      expect(at).toHaveLength(1);
      expect(r.diagnostics.find((d) => d.message.includes('HostDown'))!.message).toMatch(
        /^unit test "HostDown fires on its failing series and stays quiet on the healthy one" failed \(alertname: HostDown, time: 30m\)/,
      );
    }, 120_000);
  },
);
