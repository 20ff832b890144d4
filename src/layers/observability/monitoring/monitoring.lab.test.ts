// The monitoring proof in the lab (root): the reference build's `monitor` and `tpot` boot as lab machines; tpot
// installs Debian's node exporter from the lab's apt repository; the real Prometheus and Alertmanager (with the
// alertmanager role's arguments) run in monitor's network namespace with the GENERATED prometheus.yml, alert rules
// and alertmanager.yml, and Prometheus scrapes tpot (security VLAN) from monitor (servers VLAN) through the lab
// router's generated firewall: up == 1; the blackbox exporter (generated blackbox.yml) pings every host of the site
// across it.
// Stopping the exporter makes HostDown pending, then firing; Alertmanager delivers it, with its runbook_url, to a
// webhook receiver on the management VLAN (through the firewall again, by the flow the alert channel generates);
// restarting the exporter delivers `resolved`.
//
// The site is the reference with its alert channel as a webhook on the management VLAN (the reference mails, and
// the lab has no mail relay), so the rendered receiver is used as is. What this test's copy of the generated
// files changes, to fit its budget: the global intervals (30s → 2s) and HostDown's `for` (2m → 6s); the critical
// route's group_wait (10s → 1s) and group_interval (1m → 2s); and FirewallDown's `for` (1m → 1h): the lab router
// runs no node exporter, so FirewallDown would fire after a minute and, by the rendered inhibition, rightly
// silence tpot's HostDown, which the monitor reaches through that firewall. promtool's and amtool's tests
// (monitoring.test.ts, alertmanager.test.ts) prove the real timing and routing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { canRunLab, LAB_TOOLS, MACHINE_TOOLS, needTool } from '../../../../test/support/tools.ts';
import type { LabContext } from '../../../lab/context.ts';
import { labDown } from '../../../lab/down.ts';
import { managementNetns } from '../../../lab/machines/ansible.ts';
import { machineInit } from '../../../lab/machines/boot.ts';
import { sharedRoot } from '../../../lab/machines/root.ts';
import { newRunId } from '../../../lab/names.ts';
import { labUp } from '../../../lab/up.ts';
import { inCidr } from '../../../net/ipam.ts';
import { loadProject } from '../../../project/load.ts';
import type { Site } from '../../../site/types.ts';
import { ALERTMANAGER_FILE } from './alertmanager-config.ts';
import { BLACKBOX_FILE } from './blackbox-config.ts';
import { renderMonitoring } from './render.ts';
import { RULES_FILE } from './rule-files.ts';

const repo = fileURLToPath(new URL('../../../..', import.meta.url));
const reference = `${repo}examples/reference`;
const MACHINES = ['monitor', 'tpot'];
const TARGET = 'tpot';
/** The on-call webhook: a device on the management VLAN that is no host of the site. */
const WEBHOOK = { address: '10.20.10.90', port: 9095, path: '/alerts' };
const WEBHOOK_URL = `http://${WEBHOOK.address}:${WEBHOOK.port}${WEBHOOK.path}`;

/**
 * The receiver: prints each POST as one JSON line (who sent it, where, the body). It listens on the webhook's port
 * and on one no flow opens, which the monitor must not reach: the firewall between them is enforcing.
 */
const RECEIVER = `
const [address, ...ports] = process.argv.slice(1);
let up = 0;
for (const port of ports)
  require('node:http').createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'POST')
        process.stdout.write(JSON.stringify({ from: req.socket.remoteAddress, method: req.method, path: req.url, body }) + '\\n');
      res.end();
    });
  }).listen(Number(port), address, () => ++up === ports.length && process.stdout.write('listening\\n'));
`;
/** A port the receiver also listens on, which no flow opens from the monitor. */
const CLOSED_PORT = 9096;

/** What the webhook receives (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
interface Notification {
  from: string;
  method: string;
  path: string;
  body: {
    receiver: string;
    status: string;
    alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
  };
}

const run =
  canRunLab('the monitoring lab', [...LAB_TOOLS, ...MACHINE_TOOLS]) &&
  needTool('prometheus', 'apt-get install prometheus') &&
  needTool('prometheus-alertmanager', 'apt-get install prometheus-alertmanager');
let site: Site;
let ctx: LabContext;
let id: string;
let dir: string;
let prometheus: ChildProcess | undefined;
let alertmanager: ChildProcess | undefined;
let blackbox: ChildProcess | undefined;
let receiver: ChildProcess | undefined;
const received: Notification[] = [];

const netnsOf = (host: string) => ctx.plan.machines.find((m) => m.host === host)!.netns;

async function onMachine(host: string, cmd: string) {
  const m = ctx.plan.machines.find((x) => x.host === host)!;
  const init = machineInit(ctx.dir, m);
  if (!init) throw new Error(`machine ${host} is not running`);
  return execa('nsenter', ['-t', init, '-a', 'sh', '-c', cmd], { reject: false });
}

/** A GET of Prometheus's HTTP API in monitor's namespace: the response's `data`, undefined until it answers. */
async function api(path: string, args: string[] = []): Promise<unknown> {
  const r = await execa(
    'ip',
    [
      'netns',
      'exec',
      netnsOf('monitor'),
      'curl',
      '-sf',
      '--max-time',
      '3',
      ...args,
      `http://127.0.0.1:9090${path}`,
    ],
    { reject: false },
  );
  return r.exitCode === 0 ? JSON.parse(r.stdout).data : undefined;
}

/** An instant query against the Prometheus in monitor's namespace: the result's series. */
async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const data = (await api('/api/v1/query', ['--data-urlencode', `query=${expr}`])) as
    | { result: { metric: Record<string, string>; value: [number, string] }[] }
    | undefined;
  return data?.result ?? [];
}

async function until<T>(what: string, ms: number, f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
}

/** A monitoring role's defaults (the variables its templates fill Debian's service arguments with). */
function roleDefaults(role: string): Record<string, string> {
  return parseYaml(readFileSync(new URL(`roles/${role}/defaults/main.yml`, import.meta.url), 'utf8'));
}

/** `text` with `from` replaced by `to`, failing when the generated file no longer has `from`. */
function substitute(text: string, from: RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`the generated file no longer matches ${from}: update the test's copy`);
  return out;
}

beforeAll(async () => {
  if (!run) return;
  // The reference, with its alert channel a webhook on the management VLAN (see the header).
  dir = mkdtempSync(join(tmpdir(), 'beelab-monitoring-lab-'));
  mkdirSync(join(dir, 'site'));
  writeFileSync(
    join(dir, 'site', 'beelab.yaml'),
    substitute(
      readFileSync(join(reference, 'beelab.yaml'), 'utf8'),
      /^( {2}alerts:\n) {4}- type: email\n {6}target: \S+\n/m,
      `$1    - type: webhook\n      target: ${WEBHOOK_URL}\n`,
    ),
  );
  site = (await loadProject(join(dir, 'site'))).site;
  await sharedRoot({ log: (l) => process.stderr.write(`${l}\n`) });
  id = newRunId();
  try {
    ctx = await labUp(site, { id, mode: 'veth', siteDir: join(dir, 'site'), machines: MACHINES });
  } catch (err) {
    await labDown(id);
    throw err;
  }
  // The generated configuration, with only the timings shortened (see the header).
  for (const [path, f] of renderMonitoring(site).entries()) {
    if (!path.startsWith('monitoring/prometheus/') && path !== ALERTMANAGER_FILE && path !== BLACKBOX_FILE)
      continue;
    let text = f.content;
    if (path.endsWith('prometheus.yml'))
      text = substitute(text, /^( {2}(scrape|evaluation)_interval:) 30s$/gm, '$1 2s');
    if (path.endsWith(RULES_FILE)) {
      text = substitute(text, /(- alert: HostDown\n\s+expr: [^\n]+\n\s+for:) 2m/, '$1 6s');
      text = substitute(text, /(- alert: FirewallDown\n\s+expr: [^\n]+\n\s+for:) 1m/, '$1 1h');
    }
    if (path === ALERTMANAGER_FILE)
      text = substitute(
        text,
        /(- severity="critical"\n\s+group_wait:) 10s\n(\s+group_interval:) 1m\n/,
        '$1 1s\n$2 2s\n',
      );
    const out = join(dir, path.replace(/^monitoring\/(prometheus|alertmanager|blackbox)\//, ''));
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, text);
  }
}, 400_000);

afterAll(async () => {
  for (const p of [prometheus, alertmanager, blackbox, receiver]) p?.kill('SIGTERM');
  if (run && id) await labDown(id);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Starts the webhook receiver in the management VLAN's namespace, at its own address there. */
async function startReceiver(): Promise<void> {
  const mgmt = ctx.plan.vlans.find((v) => v.netns === managementNetns(ctx))!;
  expect(inCidr(WEBHOOK.address, mgmt.cidr)).toBe(true);
  expect(mgmt.members.map((m) => m.address)).not.toContain(WEBHOOK.address);
  await execa('ip', ['-n', mgmt.netns, 'addr', 'add', `${WEBHOOK.address}/${mgmt.prefix}`, 'dev', 'eth0']);
  receiver = spawn(
    'ip',
    [
      'netns',
      'exec',
      mgmt.netns,
      process.execPath,
      '-e',
      RECEIVER,
      WEBHOOK.address,
      String(WEBHOOK.port),
      String(CLOSED_PORT),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise<void>((resolve) =>
    createInterface({ input: receiver!.stdout! }).on('line', (line) => {
      if (line === 'listening') resolve();
      else {
        const n = JSON.parse(line);
        received.push({ ...n, body: JSON.parse(n.body) });
      }
    }),
  );
  await Promise.race([
    ready,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('the webhook receiver did not start')), 10_000),
    ),
  ]);
}

/** The first notification since `after` that carries tpot's HostDown in `status`, with that alert. */
function notified(after: number, status: 'firing' | 'resolved') {
  return async () => {
    for (const n of received.slice(after)) {
      const a = n.body.alerts.find(
        (x) => x.labels.alertname === 'HostDown' && x.labels.host === TARGET && x.status === status,
      );
      if (a) return { n, a };
    }
    return undefined;
  };
}

describe.skipIf(!run)('monitoring in the lab (root)', () => {
  it('Prometheus on monitor scrapes tpot through the lab firewall; a stopped exporter fires HostDown, Alertmanager delivers it to the webhook on the management VLAN, a restarted one resolves it', {
    timeout: 300_000,
  }, async () => {
    const target = site.hosts.find((h) => h.name === TARGET)!;
    const monitor = site.hosts.find((h) => h.name === 'monitor')!;
    expect(target.vlan).not.toBe(monitor.vlan); // the scrape crosses the router's firewall
    // The alert channel's flow: monitor (Alertmanager) to the webhook's port on the management VLAN.
    const flow = site.flows.find((f) => f.from.kind === 'role' && f.from.role === 'alertmanager');
    expect(flow).toMatchObject({ to: { kind: 'vlan', vlan: 'mgmt' }, ports: [WEBHOOK.port] });
    expect(monitor.vlan).not.toBe('mgmt');
    const rules = parseYaml(readFileSync(join(dir, RULES_FILE), 'utf8')) as {
      groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[];
    };
    const hostDown = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === 'HostDown')!;
    expect(hostDown.annotations?.runbook_url).toBe('docs/runbooks/host-down.md');

    await startReceiver();
    // The firewall between monitor and the management VLAN is enforcing: the receiver's other port answers on
    // its own VLAN, not from the monitor.
    const get = (netns: string, port: number) =>
      execa(
        'ip',
        [
          'netns',
          'exec',
          netns,
          'curl',
          '-s',
          '-o',
          '/dev/null',
          '--max-time',
          '2',
          `http://${WEBHOOK.address}:${port}/`,
        ],
        {
          reject: false,
        },
      );
    expect((await get(managementNetns(ctx), CLOSED_PORT)).exitCode).toBe(0);
    expect((await get(netnsOf('monitor'), CLOSED_PORT)).exitCode).not.toBe(0);
    const install = await onMachine(
      TARGET,
      'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus-node-exporter >/dev/null && systemctl is-active prometheus-node-exporter',
    );
    expect(install.stdout.trim(), install.stderr).toBe('active');
    alertmanager = spawn(
      'ip',
      [
        'netns',
        'exec',
        netnsOf('monitor'),
        'prometheus-alertmanager',
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'alertmanager-data')}`,
        // The role's arguments; the listen address stays Debian's default, :9093.
        ...roleDefaults('alertmanager').alertmanager_args!.split(/\s+/).filter(Boolean),
      ],
      { stdio: 'ignore' },
    );
    blackbox = spawn(
      'ip',
      [
        'netns',
        'exec',
        netnsOf('monitor'),
        'prometheus-blackbox-exporter',
        `--config.file=${join(dir, 'blackbox.yml')}`,
        `--web.listen-address=${roleDefaults('blackbox_exporter').blackbox_exporter_listen}`,
      ],
      { stdio: 'ignore' },
    );
    prometheus = spawn(
      'ip',
      [
        'netns',
        'exec',
        netnsOf('monitor'),
        'prometheus',
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        '--web.listen-address=127.0.0.1:9090',
      ],
      { stdio: 'ignore' },
    );
    const sel = `job="node-exporter", host="${TARGET}"`;
    const t0 = Date.now();
    await until('up == 1', 60_000, async () =>
      (await query(`up{${sel}}`)).some((s) => s.value[1] === '1') ? true : undefined,
    );
    const scraped = (Date.now() - t0) / 1000;
    // The ping half of HostDown: every host of the site answers the monitor's blackbox ICMP probe across the
    // generated firewall (the lab holds every address: machines, or the VLANs' namespaces).
    const icmpTargets = (
      parseYaml(readFileSync(join(dir, 'prometheus.yml'), 'utf8')) as {
        scrape_configs: { job_name: string; static_configs: { labels: { host: string } }[] }[];
      }
    ).scrape_configs
      .find((j) => j.job_name === 'blackbox-icmp')!
      .static_configs.map((s) => s.labels.host)
      .sort();
    expect(icmpTargets).toEqual(expect.arrayContaining([TARGET, 'fw', 'pve1']));
    let answering: string[] = [];
    await until(`every ping answered (${icmpTargets.length})`, 30_000, async () => {
      const s = await query('probe_success{job="blackbox-icmp"} == 1');
      answering = s.map((x) => x.metric.host!).sort();
      return answering.length === icmpTargets.length ? true : undefined;
    }).catch((err: Error) => {
      throw new Error(
        `${err.message}; silent: ${icmpTargets.filter((h) => !answering.includes(h)).join(', ')}`,
      );
    });
    expect(answering).toEqual(icmpTargets);
    const pinged = (Date.now() - t0) / 1000;
    expect((await query(`node_uname_info{${sel}}`)).length).toBe(1);
    // Prometheus sends to the Alertmanager its rendered `alerting:` section names.
    const ams = (await until('Alertmanager discovered', 20_000, async () => {
      const d = (await api('/api/v1/alertmanagers')) as
        | { activeAlertmanagers: { url: string }[] }
        | undefined;
      return d && d.activeAlertmanagers.length > 0 ? d.activeAlertmanagers : undefined;
    })) as { url: string }[];
    expect(ams.map((a) => a.url)).toEqual(['http://127.0.0.1:9093/api/v2/alerts']);
    // And its own scrape job reaches it where the role makes it listen.
    await until('up{job="alertmanager"} == 1', 20_000, async () =>
      (await query('up{job="alertmanager"}')).some((s) => s.value[1] === '1') ? true : undefined,
    );

    const stop = await onMachine(TARGET, 'systemctl stop prometheus-node-exporter');
    expect(stop.exitCode, stop.stderr).toBe(0);
    const stopped = received.length;
    const alert = (state: string) => async () => {
      const s = await query(`ALERTS{alertname="HostDown", host="${TARGET}", alertstate="${state}"}`);
      return s.length > 0 ? s[0]!.metric : undefined;
    };
    const pending = await until('HostDown pending', 30_000, alert('pending'));
    expect(pending).toMatchObject({ severity: 'critical', scenario: 'host-down', role: 'honeypot' });
    const firing = await until('HostDown firing', 30_000, alert('firing'));
    expect(firing).toMatchObject({ host: TARGET, level: 'host' });
    const tFiring = Date.now();

    const fired = await until('the firing notification at the webhook', 30_000, notified(stopped, 'firing'));
    const tDelivered = Date.now();
    // Sent by the monitor's Alertmanager, routed through the firewall: the webhook sees the monitor's address.
    expect(fired.n).toMatchObject({ from: monitor.address, method: 'POST', path: WEBHOOK.path });
    expect(fired.n.body.receiver).toBe('webhook-1');
    expect(fired.a.labels).toMatchObject({
      alertname: 'HostDown',
      host: TARGET,
      severity: 'critical',
      scenario: 'host-down',
      site: site.name,
    });
    expect(fired.a.annotations.runbook_url).toBe(hostDown.annotations!.runbook_url);
    expect(fired.a.annotations.summary).toBe(`Host ${TARGET} is down`);

    const delivered = received.length;
    const tRestart = Date.now();
    const start = await onMachine(TARGET, 'systemctl start prometheus-node-exporter');
    expect(start.exitCode, start.stderr).toBe(0);
    const resolved = await until('the resolved notification', 40_000, notified(delivered, 'resolved'));
    expect(resolved.n.from).toBe(monitor.address);
    expect(resolved.a.annotations.runbook_url).toBe(hostDown.annotations!.runbook_url);
    process.stderr.write(
      `figures: first scrape up after ${scraped.toFixed(1)} s, all ${icmpTargets.length} hosts answering pings after ${pinged.toFixed(1)} s, HostDown firing ${((tFiring - t0) / 1000).toFixed(1)} s after start, at the webhook ${((tDelivered - tFiring) / 1000).toFixed(1)} s after firing, resolved at the webhook ${((Date.now() - tRestart) / 1000).toFixed(1)} s after the exporter's restart; ${received.length} notifications in all\n`,
    );
  });
});
