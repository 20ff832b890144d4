// `beelab ui` in a real browser: playwright-core driving Debian's chromium, headless. Every view loads with
// no console error and no failed request and shows the reference site's hosts and VLANs (from the DOM), a
// host's detail opens, and the status stream turns a row down when a stand-in target on loopback stops.
// Screenshots of every view are written to test/artifacts/ui/ and checked for size and content.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleSite } from '../../test/support/example-sites.ts';
import { strictTools } from '../../test/support/tools.ts';
import { FAILURE_SCENARIOS } from '../layers/observability/failure-scenarios.ts';
import { renderSite } from '../project/render-site.ts';
import { LiveStatus } from './live.ts';
import { dashboardModel } from './model.ts';
import { reachFromHere } from './reach.ts';
import { createUiServer } from './server.ts';

const CHROMIUM = '/usr/bin/chromium';
const BIN = fileURLToPath(new URL('../../bin/beelab.mjs', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../../examples/reference/beelab.yaml', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test/artifacts/ui/', import.meta.url));
const VIEWS = ['architecture', 'network', 'rack', 'hosts', 'status', 'policy', 'failures', 'plan'] as const;

const haveChromium = await import('node:fs').then((fs) => fs.existsSync(CHROMIUM));
if (!haveChromium && strictTools)
  throw new Error(`${CHROMIUM} not found (apt-get install chromium); BEELAB_STRICT_TOOLS=1`);

const site = exampleSite('reference');

/** A TCP listener on loopback standing in for a host; `stop` closes it and every connection. */
async function standIn(): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

interface Problems {
  list: string[];
}

function watch(page: Page): Problems {
  const p: Problems = { list: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') p.list.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => p.list.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // The event stream is cut when the page navigates away or the test ends: that is not a failure.
    if (!r.url().endsWith('/events')) p.list.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) p.list.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return p;
}

/** Distinct colours in a PNG, decoded by the browser itself (a blank page has one or two). */
async function colours(browser: Browser, png: Buffer): Promise<number> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 7)
        seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return seen.size;
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

describe.skipIf(!haveChromium)('beelab ui in chromium', () => {
  let dir: string;
  let cli: ChildProcess;
  let url: string;
  let browser: Browser;
  let pve1: Awaited<ReturnType<typeof standIn>>;
  let grafana: Awaited<ReturnType<typeof standIn>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beelab-ui-'));
    await copyFile(REFERENCE, join(dir, 'beelab.yaml'));
    // A journal as `beelab apply` writes it, so the last apply shows.
    const at = '2026-12-01T09:00:00.000Z';
    const step = {
      run: 'r1',
      id: 'network/firewall',
      at,
      inputHash: 'x',
      inputs: {},
      target: 'fw',
      hosts: ['fw'],
      executor: 'manual',
      log: '.beelab/logs/r1/network-firewall.log',
    };
    await mkdir(join(dir, '.beelab'));
    await writeFile(
      join(dir, '.beelab/journal.jsonl'),
      [
        { v: 1, type: 'run-start', run: 'r1', at, mode: 'apply', selection: [], steps: ['network/firewall'] },
        { v: 1, type: 'step-start', ...step },
        { v: 1, type: 'step-end', ...step, status: 'ok', exitCode: 0, durationMs: 4200 },
        { v: 1, type: 'run-end', run: 'r1', at, status: 'done', ok: 1, failed: 0, skipped: 0, blocked: 0 },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n')
        .concat('\n'),
    );
    pve1 = await standIn();
    grafana = await standIn();
    await writeFile(
      join(dir, 'targets.yaml'),
      `- { name: pve1, kind: tcp, host: 127.0.0.1, port: ${pve1.port} }\n- { name: grafana@monitor, kind: tcp, host: 127.0.0.1, port: ${grafana.port} }\n`,
    );
    cli = spawn(
      process.execPath,
      [
        BIN,
        'ui',
        dir,
        '--port',
        '0',
        '--targets',
        join(dir, 'targets.yaml'),
        '--interval',
        '500ms',
        '--timeout',
        '500ms',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    cli.stderr!.on('data', (d) => {
      err += d;
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      cli.stdout!.on('data', (d) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (m) resolve(m[0]);
      });
      cli.on('exit', (code) => reject(new Error(`beelab ui exited ${code}: ${err}`)));
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    cli?.kill('SIGTERM');
    await pve1?.stop().catch(() => undefined);
    await grafana?.stop().catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every view loads without errors, shows the hosts and VLANs, and screenshots are not blank', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = watch(page);
    await page.goto(url);
    const hostNames = site.hosts.map((h) => h.name).sort();
    for (const view of VIEWS) {
      await page.goto(`${url}#${view}`);
      await page.waitForSelector(`main[data-view="${view}"]`);
      const dom = await page.evaluate(() => ({
        diagramHosts: [...document.querySelectorAll('.ui-diagram text[data-host]')].map((e) =>
          e.getAttribute('data-host'),
        ),
        diagramText: document.querySelector('.ui-diagram')?.textContent ?? '',
        hostRows: [...document.querySelectorAll('tr[data-host-row]')].map((e) =>
          e.getAttribute('data-host-row'),
        ),
        vlanRows: [...document.querySelectorAll('tr[data-vlan]')].map((e) => e.getAttribute('data-vlan')),
        zones: [...document.querySelectorAll('tr[data-zone]')].map((e) => e.getAttribute('data-zone')),
        scenarios: [...document.querySelectorAll('tr[data-scenario]')].map((e) =>
          e.getAttribute('data-scenario'),
        ),
        links: [...document.querySelectorAll('main a.ui-host')].map((e) => e.textContent),
        text: document.querySelector('main')!.textContent ?? '',
      }));
      if (view === 'architecture' || view === 'network')
        expect([...new Set(dom.diagramHosts)].sort(), view).toEqual(hostNames);
      if (view === 'network' || view === 'hosts') expect(dom.vlanRows).toEqual(site.vlans.map((v) => v.name));
      if (view === 'network')
        for (const v of site.vlans) expect(dom.diagramText).toContain(`${v.name} · VLAN ${v.id}`);
      if (view === 'rack')
        for (const it of site.rack.items) for (const h of it.hosts) expect(dom.diagramText).toContain(h);
      if (view === 'hosts') expect([...dom.hostRows].sort()).toEqual(hostNames);
      if (view === 'policy') for (const v of site.vlans) expect(dom.zones).toContain(v.name);
      if (view === 'failures') {
        expect(dom.scenarios).toEqual(FAILURE_SCENARIOS.map((s) => s.slug));
        // The hosts a scenario is about are links to their detail, by name.
        expect(dom.links).toContain('pve1');
        expect(dom.text).not.toContain('http://');
      }
      if (view === 'status') expect(dom.text).toContain('pve1');
      if (view === 'plan') {
        expect(dom.text).toContain('Not rendered yet');
        expect(dom.text).toContain('docs/network.svg');
        expect(dom.text).toContain('network/firewall');
      }
      const png = await page.screenshot({ path: join(ARTIFACTS, `${view}.png`), fullPage: true });
      expect(png.length, `${view}.png size`).toBeGreaterThan(20_000);
      expect(await colours(browser, png), `${view}.png colours`).toBeGreaterThan(8);
    }
    expect(problems.list).toEqual([]);
    await page.close();
  }, 120_000);

  it("a host's detail opens from the diagram with its addresses, services, flows, backups, watchdog and runbooks", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = watch(page);
    await page.goto(`${url}#architecture`);
    await page.waitForSelector('main[data-view="architecture"] text[data-host="pve1"]');
    await page.click('text[data-host="pve1"] >> nth=0');
    const detail = page.locator('#ui-detail');
    await detail.waitFor({ state: 'visible' });
    expect(await page.textContent('#ui-detail-name')).toBe('pve1');
    const text = (await detail.textContent()) ?? '';
    for (const want of [
      '10.20.10.11',
      'Services',
      'proxmox-ve tcp/8006',
      'Flows in',
      'Flows out',
      'Backups',
      'Watchdog',
      'watched by wd1',
      'Runbooks',
      'A Proxmox VE node dies',
    ])
      expect(text).toContain(want);
    await page.screenshot({ path: join(ARTIFACTS, 'host-detail.png') });
    expect(problems.list).toEqual([]);
    await page.close();
  }, 60_000);

  it('the status stream turns a row down when its stand-in target on loopback stops', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(`${url}#hosts`);
    await page.waitForSelector('td[data-status-host="pve1"][data-state="up"]', { timeout: 20_000 });
    await pve1.stop();
    await page.waitForSelector('td[data-status-host="pve1"][data-state="down"]', { timeout: 20_000 });
    // The other stand-in is still up, and the status view lists both rows as the engine sees them.
    await page.goto(`${url}#status`);
    await page.waitForSelector('tr[data-target="pve1"][data-state="down"]', { timeout: 20_000 });
    await page.waitForSelector('tr[data-target="grafana@monitor"][data-state="up"]', { timeout: 20_000 });
    expect(problems.list).toEqual([]);
    await page.close();
  }, 90_000);

  it('says "not reachable from here" and probes nothing where the site has no address or route', async () => {
    const tree = renderSite(site);
    const reach = reachFromHere(site, ['192.168.1.5'], ['192.168.1.0/24']);
    const live = new LiveStatus({ targets: [], reach, intervalMs: 500, timeoutMs: 500 });
    const server = createUiServer({
      model: dashboardModel({ site, tree }),
      file: (p) => tree.get(p)?.content,
      live,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const page = await browser.newPage();
      const problems = watch(page);
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/#status`);
      await page.waitForSelector('#ui-unreachable');
      expect(await page.textContent('#ui-unreachable')).toContain('not reachable from here');
      expect(await page.textContent('#ui-live')).toContain('not reachable from here');
      expect(live.snapshot().rows).toEqual([]);
      expect(problems.list).toEqual([]);
      await page.close();
    } finally {
      live.stop();
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});
