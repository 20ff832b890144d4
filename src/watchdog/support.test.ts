// Maintenance windows, alerts on the wire, metrics text, and the systemd unit checked by systemd-analyze.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needTool } from '../../test/support/tools.ts';
import { createAlertSender } from './alerts.ts';
import { httpRequest } from './http-client.ts';
import { flagCovers, inWindow, readFlagFile } from './maintenance.ts';
import { WatchdogMetrics } from './metrics.ts';
import { renderSystemdUnit } from './systemd-unit.ts';

describe('maintenance', () => {
  // 2026-01-05 is a Monday; Date(y, m, d, h, min) is local time, as the watchdog reads it.
  const at = (day: number, h: number, m = 0) => new Date(2026, 0, day, h, m);
  const windows = [
    { start: '02:00', end: '04:00', days: ['sun' as const] },
    { start: '23:00', end: '01:00', targets: ['ai1'] },
  ];

  it('matches weekday windows and windows that cross midnight', () => {
    expect(inWindow(windows, 'pve1', at(4, 3))).toBe(true); // Sunday 03:00
    expect(inWindow(windows, 'pve1', at(5, 3))).toBe(false); // Monday 03:00
    expect(inWindow(windows, 'pve1', at(4, 4))).toBe(false); // end is exclusive
    expect(inWindow(windows, 'ai1', at(5, 23, 30))).toBe(true);
    expect(inWindow(windows, 'ai1', at(6, 0, 30))).toBe(true);
    expect(inWindow(windows, 'ai1', at(6, 1, 0))).toBe(false);
    expect(inWindow(windows, 'pve1', at(5, 23, 30))).toBe(false);
  });

  it('reads the flag file: absent, empty (everyone), or a list of targets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-wd-flag-'));
    try {
      const file = join(dir, 'maintenance');
      expect(await readFlagFile(file)).toBeNull();
      writeFileSync(file, '');
      expect(flagCovers(await readFlagFile(file), 'pve1')).toBe(true);
      writeFileSync(file, '# patching\nai1\n');
      const flag = await readFlagFile(file);
      expect([flagCovers(flag, 'ai1'), flagCovers(flag, 'pve1')]).toEqual([true, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('alerts', () => {
  it('posts ntfy with title, priority and token, and the generic webhook as JSON; retries a 500', async () => {
    const got: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
    let fail = 1;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        if (req.url === '/hook' && fail-- > 0) return void res.writeHead(500).end();
        got.push({ url: req.url!, headers: req.headers, body });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const logs: string[] = [];
    const sender = createAlertSender(
      [
        { type: 'ntfy', url: `${base}/rack`, token: 'tk' },
        { type: 'webhook', url: `${base}/hook`, headers: { 'x-src': 'pi' } },
      ],
      { http: httpRequest, sleep: async () => {}, log: (_l, msg) => logs.push(msg) },
    );
    sender.send({
      type: 'gave-up',
      target: 'pve1',
      message: 'GIVING UP on pve1',
      time: '2026-01-05T12:00:00.000Z',
    });
    await sender.drain();
    server.close();
    const ntfy = got.find((g) => g.url === '/rack')!;
    expect(ntfy.body).toBe('GIVING UP on pve1');
    expect(ntfy.headers).toMatchObject({
      title: 'beelab watchdog: pve1 gave-up',
      priority: 'urgent',
      authorization: 'Bearer tk',
    });
    const hook = got.find((g) => g.url === '/hook')!;
    expect(hook.headers['x-src']).toBe('pi');
    expect(JSON.parse(hook.body)).toMatchObject({
      source: 'beelab-watchdog',
      type: 'gave-up',
      target: 'pve1',
    });
    expect(logs).toEqual([]);
  });

  it('logs an alert it could not deliver instead of failing', async () => {
    const logs: string[] = [];
    let failures = 0;
    const sender = createAlertSender([{ type: 'webhook', url: 'http://127.0.0.1:9/none', headers: {} }], {
      http: httpRequest,
      sleep: async () => {},
      log: (_l, msg) => logs.push(msg),
      onFailure: () => failures++,
    });
    sender.send({ type: 'failed', target: 'x', message: 'm', time: '' });
    await sender.drain();
    expect(logs).toEqual(['alert not delivered']);
    expect(failures).toBe(1);
  });
});

describe('metrics', () => {
  it('renders Prometheus text with escaped labels', () => {
    const m = new WatchdogMetrics();
    m.up.set('pve"1', 0);
    m.phase.set('pve"1', 'down');
    m.count(m.actions, 'target="pve1",rung="power",result="ok"');
    const text = m.render();
    expect(text).toContain('beelab_watchdog_target_up{target="pve\\"1"} 0');
    expect(text).toContain('beelab_watchdog_target_phase{target="pve\\"1",phase="down"} 1');
    expect(text).toContain('beelab_watchdog_target_phase{target="pve\\"1",phase="healthy"} 0');
    expect(text).toContain('# TYPE beelab_watchdog_actions_total counter');
    if (needTool('promtool', 'apt-get install prometheus')) {
      const out = execFileSync('promtool', ['check', 'metrics'], { input: text }).toString();
      expect(out).toBe('');
    }
  });
});

describe('systemd unit', () => {
  it('is hardened and passes systemd-analyze verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-wd-unit-'));
    try {
      const entry = join(dir, 'beelab-watchdog.mjs');
      writeFileSync(entry, '');
      const unit = renderSystemdUnit({
        node: process.execPath,
        entry,
        config: '/etc/beelab-watchdog/watchdog.yaml',
        gpioChips: ['/dev/gpiochip0'],
      });
      for (const line of [
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
        'DynamicUser=yes',
        'CapabilityBoundingSet=CAP_NET_RAW',
        'DeviceAllow=/dev/gpiochip0 rw',
        'MemoryMax=96M',
      ]) {
        expect(unit).toContain(line);
      }
      expect(unit).toContain(
        `ExecStart=${process.execPath} --lite-mode --single-threaded ${entry} --config /etc/beelab-watchdog/watchdog.yaml`,
      );
      if (!needTool('systemd-analyze', 'apt-get install systemd')) return;
      const file = join(dir, 'beelab-watchdog.service');
      writeFileSync(file, unit);
      // verify exits 0 on many warnings, so its output must be empty too.
      const res = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      expect(res.stderr + res.stdout).toBe('');
      expect(res.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
