// The monitoring proof in the lab (root): the reference build's `monitor` and `tpot` boot as lab machines; tpot
// installs Debian's node exporter from the lab's apt repository; the real Prometheus runs in monitor's network
// namespace with the GENERATED prometheus.yml and alert rules, and scrapes tpot (security VLAN) from monitor
// (servers VLAN) through the lab router's generated firewall: up == 1. Stopping the exporter makes HostDown
// pending, then firing. The rendered rules wait 2m and scrape every 30s: this test's copy changes only the global
// intervals (2s) and HostDown's `for` (6s) to fit its budget; promtool's unit tests (monitoring.test.ts) prove
// the real timing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, LAB_TOOLS, MACHINE_TOOLS, needTool } from '../../../../test/support/tools.ts';
import type { LabContext } from '../../../lab/context.ts';
import { labDown } from '../../../lab/down.ts';
import { machineInit } from '../../../lab/machines/boot.ts';
import { sharedRoot } from '../../../lab/machines/root.ts';
import { newRunId } from '../../../lab/names.ts';
import { labUp } from '../../../lab/up.ts';
import { loadProject } from '../../../project/load.ts';
import type { Site } from '../../../site/types.ts';
import { renderMonitoring } from './render.ts';

const repo = fileURLToPath(new URL('../../../..', import.meta.url));
const reference = `${repo}examples/reference`;
const MACHINES = ['monitor', 'tpot'];
const TARGET = 'tpot';

const run =
  canRunLab('the monitoring lab', [...LAB_TOOLS, ...MACHINE_TOOLS]) &&
  needTool('prometheus', 'apt-get install prometheus');
let site: Site;
let ctx: LabContext;
let id: string;
let dir: string;
let prometheus: ChildProcess | undefined;

const netnsOf = (host: string) => ctx.plan.machines.find((m) => m.host === host)!.netns;

async function onMachine(host: string, cmd: string) {
  const m = ctx.plan.machines.find((x) => x.host === host)!;
  const init = machineInit(ctx.dir, m);
  if (!init) throw new Error(`machine ${host} is not running`);
  return execa('nsenter', ['-t', init, '-a', 'sh', '-c', cmd], { reject: false });
}

/** An instant query against the Prometheus in monitor's namespace: the result's series. */
async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
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
      '--data-urlencode',
      `query=${expr}`,
      'http://127.0.0.1:9090/api/v1/query',
    ],
    { reject: false },
  );
  if (r.exitCode !== 0) return [];
  return JSON.parse(r.stdout).data.result;
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

beforeAll(async () => {
  if (!run) return;
  site = (await loadProject(reference)).site;
  await sharedRoot({ log: (l) => process.stderr.write(`${l}\n`) });
  id = newRunId();
  try {
    ctx = await labUp(site, { id, mode: 'veth', siteDir: reference, machines: MACHINES });
  } catch (err) {
    await labDown(id);
    throw err;
  }
  // The generated configuration, with only the intervals and HostDown's wait shortened (see the header).
  dir = mkdtempSync(join(tmpdir(), 'beelab-monitoring-lab-'));
  for (const [path, f] of renderMonitoring(site).entries()) {
    if (!path.startsWith('monitoring/prometheus/')) continue;
    let text = f.content;
    if (path.endsWith('prometheus.yml'))
      text = text.replace(/^( {2}(scrape|evaluation)_interval:) 30s$/gm, '$1 2s');
    if (path.endsWith('rules/alerts.yml'))
      text = text.replace(/(- alert: HostDown\n\s+expr: [^\n]+\n\s+for:) 2m/, '$1 6s');
    const out = join(dir, path.slice('monitoring/prometheus/'.length));
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, text);
  }
}, 400_000);

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  if (run && id) await labDown(id);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!run)('monitoring in the lab (root)', () => {
  it('Prometheus on monitor scrapes tpot through the lab firewall; a stopped exporter fires HostDown', {
    timeout: 240_000,
  }, async () => {
    const target = site.hosts.find((h) => h.name === TARGET)!;
    const monitor = site.hosts.find((h) => h.name === 'monitor')!;
    expect(target.vlan).not.toBe(monitor.vlan); // the scrape crosses the router's firewall
    const install = await onMachine(
      TARGET,
      'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus-node-exporter >/dev/null && systemctl is-active prometheus-node-exporter',
    );
    expect(install.stdout.trim(), install.stderr).toBe('active');
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
    expect((await query(`node_uname_info{${sel}}`)).length).toBe(1);

    const stop = await onMachine(TARGET, 'systemctl stop prometheus-node-exporter');
    expect(stop.exitCode, stop.stderr).toBe(0);
    const alert = (state: string) => async () => {
      const s = await query(`ALERTS{alertname="HostDown", host="${TARGET}", alertstate="${state}"}`);
      return s.length > 0 ? s[0]!.metric : undefined;
    };
    const pending = await until('HostDown pending', 30_000, alert('pending'));
    expect(pending).toMatchObject({ severity: 'critical', scenario: 'host-down', role: 'honeypot' });
    const firing = await until('HostDown firing', 30_000, alert('firing'));
    expect(firing).toMatchObject({ host: TARGET, level: 'host' });
    process.stderr.write(
      `figures: first scrape up after ${scraped.toFixed(1)} s, HostDown firing ${((Date.now() - t0) / 1000).toFixed(1)} s after start\n`,
    );
  });
});
