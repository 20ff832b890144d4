// The status engine on real loopback sockets, the CLI end to end, and the checks derived from a Site.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeRunner } from '../probe/run-probe.ts';
import { loadSite } from '../project/load.ts';
import { checkAll, summarize } from './engine.ts';
import { targetsFromSite } from './from-site.ts';
import { renderTable } from './table.ts';
import type { StatusTarget } from './types.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('engine', () => {
  it('never has more than `concurrency` checks in flight, ICMP under its own limit, results in order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let icmpInFlight = 0;
    let maxIcmp = 0;
    const probe: ProbeRunner = async (spec) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (spec.kind === 'icmp') maxIcmp = Math.max(maxIcmp, ++icmpInFlight);
      await sleep(5);
      if (spec.kind === 'icmp') icmpInFlight--;
      inFlight--;
      return { state: 'up', ms: 5, detail: spec.kind };
    };
    const targets: StatusTarget[] = Array.from({ length: 60 }, (_, i) => ({
      name: `t${i}`,
      probe:
        i % 3 === 0
          ? { kind: 'icmp', host: '127.0.0.1' }
          : { kind: 'tcp', host: '127.0.0.1', port: 1000 + i },
    }));
    const results = await checkAll(targets, { concurrency: 8, icmpConcurrency: 3, probe });
    expect(maxInFlight).toBe(8);
    expect(maxIcmp).toBe(3);
    expect(results.map((r) => r.target.name)).toEqual(targets.map((t) => t.name));
  });

  describe('on loopback', () => {
    let server: http.Server;
    let port: number;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        if (req.url === '/hang') return;
        res.writeHead(req.url === '/loading' ? 503 : 200).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => {
      server.closeAllConnections();
      server.close();
    });

    it('bounds each check by the timeout and reports each state', async () => {
      const targets: StatusTarget[] = [
        { name: 'ok', probe: { kind: 'http', url: `http://127.0.0.1:${port}/health` } },
        { name: 'loading', probe: { kind: 'http', url: `http://127.0.0.1:${port}/loading` } },
        { name: 'hang', probe: { kind: 'http', url: `http://127.0.0.1:${port}/hang` } },
        { name: 'tcp', probe: { kind: 'tcp', host: '127.0.0.1', port } },
        { name: 'closed', probe: { kind: 'tcp', host: '127.0.0.1', port: 9 } },
      ];
      const started = performance.now();
      const results = await checkAll(targets, { timeoutMs: 300 });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(results.map((r) => [r.target.name, r.state, r.detail])).toEqual([
        ['ok', 'up', 'HTTP 200'],
        ['loading', 'down', 'HTTP 503 (expected 2xx/3xx)'],
        ['hang', 'down', 'timeout'],
        ['tcp', 'up', 'connected'],
        ['closed', 'down', 'ECONNREFUSED'],
      ]);
      expect(summarize(results)).toEqual({ up: 2, warn: 0, down: 3 });
      const table = renderTable(results, 310);
      expect(table.split('\n')[0]).toMatch(/^NAME\s+CHECK\s+STATE\s+TIME\s+DETAIL$/);
      expect(table).toContain('5 checks in 0.31 s: 2 up, 0 warn, 3 down');
    });

    it('CLI: --json for scripts, exit 1 when something is down, 0 when all is up, 2 on a bad file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bl-status-'));
      try {
        const file = join(dir, 'targets.yaml');
        writeFileSync(
          file,
          `- { name: up, kind: tcp, host: 127.0.0.1, port: ${port} }\n- { name: closed, kind: tcp, host: 127.0.0.1, port: 9 }\n`,
        );
        const down = await execa(
          'node',
          ['bin/beelab.mjs', 'status', '--targets', file, '--json', '--timeout', '500ms'],
          { cwd: root, reject: false },
        );
        expect(down.exitCode).toBe(1);
        const json = JSON.parse(down.stdout);
        expect(json.summary).toEqual({ up: 1, warn: 0, down: 1 });
        expect(json.results[1]).toMatchObject({
          name: 'closed',
          check: 'tcp 127.0.0.1:9',
          state: 'down',
          detail: 'ECONNREFUSED',
        });
        writeFileSync(file, `- { name: up, kind: http, url: "http://127.0.0.1:${port}/" }\n`);
        const up = await execa('node', ['bin/beelab.mjs', 'status', '--targets', file], {
          cwd: root,
          reject: false,
        });
        expect(up.exitCode).toBe(0);
        expect(up.stdout).toContain('1 checks in');
        // --watch refreshes until Ctrl-C, then exits with the last round's code.
        const watch = execa(
          'node',
          ['bin/beelab.mjs', 'status', '--targets', file, '--watch', '--interval', '200ms'],
          {
            cwd: root,
            reject: false,
          },
        );
        let out = '';
        watch.stdout?.on('data', (c: Buffer) => {
          out += c;
        });
        for (let i = 0; i < 100 && (out.match(/1 checks in/g) ?? []).length < 3; i++) await sleep(100);
        watch.kill('SIGINT');
        const watched = await watch;
        expect((out.match(/1 checks in/g) ?? []).length).toBeGreaterThanOrEqual(3);
        expect(watched.exitCode).toBe(0);
        writeFileSync(file, '- { name: bad, kind: tcp, host: 127.0.0.1 }\n');
        const bad = await execa('node', ['bin/beelab.mjs', 'status', '--targets', file], {
          cwd: root,
          reject: false,
        });
        expect(bad.exitCode).toBe(2);
        expect(bad.stderr).toContain(`${file}:1:3: [0].port: missing required key "port"; add it (number)`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 30_000);
  });
});

describe('targetsFromSite (reference build; nothing is probed)', () => {
  let targets: StatusTarget[];
  beforeAll(async () => {
    targets = targetsFromSite(await loadSite(join(root, 'examples/reference')));
  });
  const find = (name: string, kind: string) =>
    targets.filter((t) => t.name === name && t.probe.kind === kind);

  it('pings every host', async () => {
    const site = await loadSite(join(root, 'examples/reference'));
    const pinged = targets.filter((t) => t.probe.kind === 'icmp').map((t) => t.name);
    expect(pinged).toEqual(site.hosts.map((h) => h.name));
  });

  it('connects to every TCP port of every service, never UDP', () => {
    expect(find('proxmox-ve@pve1', 'tcp').map((t) => t.probe)).toEqual([
      { kind: 'tcp', host: expect.any(String), port: 8006 },
    ]);
    expect(find('node-exporter@pve2', 'tcp')).toHaveLength(1);
    expect(find('dns@fw', 'tcp').map((t) => (t.probe as { port: number }).port)).toEqual([53]);
  });

  it('fetches health URLs with their expected status, and reads HTTPS certificates', () => {
    const [pve] = find('proxmox-ve@pve1', 'http');
    expect(pve?.probe).toMatchObject({
      url: expect.stringMatching(/^https:\/\/[\d.]+:8006\/$/),
      expectStatus: [200],
      insecure: true,
    });
    expect(find('proxmox-ve@pve1', 'tls')).toHaveLength(1);
    const [paperless] = find('paperless-ngx@apps', 'http');
    expect(paperless?.probe).toMatchObject({
      url: expect.stringMatching(/:8000\/api\/$/),
      expectStatus: [401],
    });
    const [immich] = targets.filter(
      (t) => t.probe.kind === 'tls' && t.probe.servername === 'photos.lab.example.com',
    );
    expect(immich?.probe).toMatchObject({ port: 443 });
  });

  it('beelab status DIR --list prints the checks of a site without probing', async () => {
    const r = await execa('node', ['bin/beelab.mjs', 'status', 'examples/reference', '--list'], {
      cwd: root,
      reject: false,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(targets.length);
    expect(r.stdout).toMatch(/^proxmox-ve@pve1 {2}tls [\d.]+:8006$/m);
  }, 30_000);

  it('lists each check once', () => {
    const keys = targets.map((t) => JSON.stringify(t.probe));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
