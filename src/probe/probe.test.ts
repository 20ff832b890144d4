// Probes against real sockets on loopback, and against a blackhole inside a namespace this test creates.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, needTool } from '../../test/support/tools.ts';
import { pingArgs } from './icmp.ts';
import { createNetns, type Netns } from './netns.ts';
import { runProbe } from './run-probe.ts';

const opts = { timeoutMs: 1000 };

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('tcp', () => {
  it('is up on a listener and down with the error code on a closed port', async () => {
    const server = net.createServer((s) => s.end());
    const port = await listen(server);
    try {
      expect(await runProbe({ kind: 'tcp', host: '127.0.0.1', port }, opts)).toMatchObject({ state: 'up' });
    } finally {
      server.close();
    }
    const closed = await runProbe({ kind: 'tcp', host: '127.0.0.1', port }, opts);
    expect(closed).toMatchObject({ state: 'down', detail: 'ECONNREFUSED' });
  });
});

describe('http', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/loading') return void res.writeHead(503).end('loading');
      if (req.url === '/hang') return; // never answers: the probe's deadline must fire
      res.writeHead(200).end('ok');
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('accepts 2xx by default and rejects 503', async () => {
    expect(await runProbe({ kind: 'http', url: `${base}/health` }, opts)).toMatchObject({
      state: 'up',
      detail: 'HTTP 200',
    });
    const loading = await runProbe({ kind: 'http', url: `${base}/loading` }, opts);
    expect(loading).toMatchObject({ state: 'down', detail: 'HTTP 503 (expected 2xx/3xx)' });
  });

  it('honours expectStatus, so a loading model server can count as alive', async () => {
    const r = await runProbe({ kind: 'http', url: `${base}/loading`, expectStatus: [200, 503] }, opts);
    expect(r.state).toBe('up');
    const only = await runProbe({ kind: 'http', url: `${base}/health`, expectStatus: [204] }, opts);
    expect(only).toMatchObject({ state: 'down', detail: 'HTTP 200 (expected 204)' });
  });

  it('times out on a server that accepts but never answers', async () => {
    const r = await runProbe({ kind: 'http', url: `${base}/hang` }, { timeoutMs: 200 });
    expect(r).toMatchObject({ state: 'down', detail: 'timeout' });
    expect(r.ms).toBeGreaterThanOrEqual(190);
    expect(r.ms).toBeLessThan(1000);
  });
});

describe('tls', () => {
  const hasOpenssl = needTool('openssl', 'apt-get install openssl');
  let dir: string;
  let server: https.Server;
  let port: number;
  beforeAll(async () => {
    if (!hasOpenssl) return;
    dir = mkdtempSync(join(tmpdir(), 'bl-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '10',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('ok'),
    );
    port = await listen(server);
  });
  afterAll(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasOpenssl)(
    'reads the expiry of an untrusted certificate and warns under warnDays',
    async () => {
      const r = await runProbe({ kind: 'tls', host: '127.0.0.1', port, warnDays: 14 }, opts);
      expect(r.state).toBe('warn');
      expect(r.detail).toMatch(/^expires in (9|10) d \(\d{4}-\d\d-\d\d\) \(untrusted: /);
      const fine = await runProbe({ kind: 'tls', host: '127.0.0.1', port, warnDays: 5 }, opts);
      expect(fine.state).toBe('up');
    },
  );

  it.skipIf(!hasOpenssl)('is down once the certificate has expired', async () => {
    const later = Date.now() + 11 * 86_400_000;
    const r = await runProbe({ kind: 'tls', host: '127.0.0.1', port }, { timeoutMs: 1000, now: () => later });
    expect(r.state).toBe('down');
    expect(r.detail).toMatch(/^certificate expired /);
  });

  it.skipIf(!hasOpenssl)('https probe refuses the self-signed certificate unless insecure', async () => {
    const url = `https://127.0.0.1:${port}/`;
    expect((await runProbe({ kind: 'http', url }, opts)).state).toBe('down');
    expect((await runProbe({ kind: 'http', url, insecure: true }, opts)).state).toBe('up');
  });
});

describe('icmp', () => {
  const canPing = needTool('ping', 'apt-get install iputils-ping');
  const canNs = canPing && needTool('ip', 'apt-get install iproute2');

  it('builds one-packet argv bounded by the deadline', () => {
    expect(pingArgs('10.0.0.1', 1500)).toEqual(['-n', '-q', '-c', '1', '-W', '1.5', '10.0.0.1']);
  });

  it.skipIf(!canPing)('is up on loopback with the round-trip time', async () => {
    const r = await runProbe({ kind: 'icmp', host: '127.0.0.1' }, opts);
    expect(r).toMatchObject({ state: 'up' });
    expect(r.detail).toMatch(/^rtt [\d.]+ ms$/);
  });

  describe.skipIf(!canNs || !isRoot())('inside a namespace (root)', () => {
    let ns: Netns;
    let bin: string;
    const savedPath = process.env.PATH;
    beforeAll(async () => {
      // A veth pair whose far end has no address swallows packets: the route exists, nothing answers.
      ns = await createNetns('probe');
      await ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
      await ns.ip('addr', 'add', '10.250.1.1/24', 'dev', 'va');
      await ns.ip('link', 'set', 'va', 'up');
      await ns.ip('link', 'set', 'vb', 'up');
      // `ping` resolved through PATH runs the real iputils ping inside that namespace.
      bin = mkdtempSync(join(tmpdir(), 'bl-ping-'));
      const realPing = execFileSync('sh', ['-c', 'command -v ping']).toString().trim();
      writeFileSync(join(bin, 'ping'), `#!/bin/sh\nexec ip netns exec ${ns.name} ${realPing} "$@"\n`);
      chmodSync(join(bin, 'ping'), 0o755);
      process.env.PATH = `${bin}:${savedPath}`;
    });
    afterAll(async () => {
      process.env.PATH = savedPath;
      await ns?.remove();
      if (bin) rmSync(bin, { recursive: true, force: true });
    });

    it('times out on a blackholed address', async () => {
      const r = await runProbe({ kind: 'icmp', host: '10.250.1.9' }, { timeoutMs: 300 });
      expect(r.state).toBe('down');
      expect(r.ms).toBeGreaterThanOrEqual(250);
    });

    it('reports an unreachable network at once', async () => {
      const r = await runProbe({ kind: 'icmp', host: '10.251.0.1' }, { timeoutMs: 1000 });
      expect(r).toMatchObject({ state: 'down' });
      expect(r.detail).toMatch(/unreachable/i);
    });
  });
});
