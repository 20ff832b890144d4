// A test smart plug: speaks Shelly Gen1, Shelly Gen2 RPC, Tasmota /cm and PiKVM /api/atx on one HTTP server.
import http from 'node:http';
import { digestHeader, parseChallenge } from '../digest-auth.ts';

/** Options that make the plug misbehave the ways real ones do. */
export interface FakePlugOptions {
  /** Called on every power change (the e2e plug cuts a veth link here). */
  onPower?: (on: boolean) => void | Promise<void>;
  /** The flip-back timer never fires (a plug with a broken timer). */
  brokenTimer?: boolean;
  /** Answer HTTP 500 to this many requests first. */
  failFirst?: number;
  /** Shelly Gen2 RPC requires HTTP digest auth (user admin, SHA-256) with this password. */
  digestPassword?: string;
  /** Record of every request line and webhook body. */
  log?: (entry: { at: number; method: string; url: string; body?: string }) => void;
}

export interface FakePlug {
  server: http.Server;
  isOn(): boolean;
  requests: string[];
  close(): Promise<void>;
}

export function createFakePlug(opts: FakePlugOptions = {}): FakePlug {
  let on = true;
  let timer: NodeJS.Timeout | undefined;
  let failures = opts.failFirst ?? 0;
  const requests: string[] = [];

  const setPower = async (value: boolean) => {
    if (value !== on) {
      on = value;
      await opts.onPower?.(value);
    }
  };
  const flipBackAfter = (ms: number) => {
    clearTimeout(timer);
    if (!opts.brokenTimer) timer = setTimeout(() => void setPower(!on), ms);
  };

  const route = async (method: string, url: URL, body: string): Promise<[number, unknown]> => {
    const q = url.searchParams;
    // Shelly Gen1
    const relay = /^\/relay\/(\d+)$/.exec(url.pathname);
    if (relay) {
      const turn = q.get('turn');
      if (turn === 'on' || turn === 'off') {
        clearTimeout(timer);
        await setPower(turn === 'on');
        const t = Number(q.get('timer') ?? 0);
        if (t > 0) flipBackAfter(t * 1000);
        return [200, { ison: on, has_timer: t > 0, timer_duration: t }];
      }
      return [200, { ison: on, has_timer: timer !== undefined }];
    }
    // Shelly Gen2 RPC
    if (url.pathname === '/rpc/Switch.Set') {
      const wasOn = on;
      clearTimeout(timer);
      await setPower(q.get('on') === 'true');
      const after = Number(q.get('toggle_after') ?? 0);
      if (after > 0) flipBackAfter(after * 1000);
      return [200, { was_on: wasOn }];
    }
    if (url.pathname === '/rpc/Switch.GetStatus') return [200, { id: Number(q.get('id') ?? 0), output: on }];
    // Tasmota
    if (url.pathname === '/cm') {
      const cmnd = q.get('cmnd') ?? '';
      const backlog = /^Backlog Power(\d) Off; Delay (\d+); Power\1 On$/.exec(cmnd);
      if (backlog) {
        clearTimeout(timer);
        await setPower(false);
        flipBackAfter(Number(backlog[2]) * 100);
        return [200, { [`POWER${backlog[1]}`]: 'OFF' }];
      }
      const power = /^Power(\d)(?: (On|Off))?$/.exec(cmnd);
      if (power) {
        if (power[2]) await setPower(power[2] === 'On');
        return [200, { [`POWER${power[1]}`]: on ? 'ON' : 'OFF' }];
      }
      return [200, { Command: 'Unknown' }];
    }
    // PiKVM
    if (url.pathname === '/api/atx' && method === 'GET')
      return [200, { ok: true, result: { leds: { power: on } } }];
    if (url.pathname === '/api/atx/click' && method === 'POST') {
      const button = q.get('button');
      if (button === 'power_long') await setPower(false);
      else if (button === 'power') await setPower(!on);
      else if (button === 'reset') {
        await setPower(false);
        await setPower(true);
      } else return [400, { ok: false, result: { error: 'bad button' } }];
      return [200, { ok: true, result: {} }];
    }
    if (url.pathname === '/api/atx/power' && method === 'POST') {
      const action = q.get('action');
      if (action === 'off_hard' || action === 'off') await setPower(false);
      else if (action === 'on') await setPower(true);
      else return [400, { ok: false }];
      return [200, { ok: true, result: {} }];
    }
    // Webhook / ntfy receiver, so the e2e can read alerts from the same place.
    if (method === 'POST' && url.pathname.startsWith('/hook')) return [200, { received: body.length }];
    return [404, { error: 'not found' }];
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://plug');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      opts.log?.({
        at: Date.now(),
        method: req.method ?? '',
        url: `${url.pathname}${url.search}`,
        body: body || undefined,
      });
      if (opts.digestPassword && url.pathname.startsWith('/rpc/') && !digestOk(req, opts.digestPassword)) {
        const challenge = 'Digest qop="auth", realm="shellyplus1pm-test", nonce="5f2a9c", algorithm=SHA-256';
        res.writeHead(401, { 'www-authenticate': challenge }).end();
        return;
      }
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500).end('injected failure');
        return;
      }
      const [status, json] = await route(req.method ?? 'GET', url, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  return {
    server,
    isOn: () => on,
    requests,
    close: () =>
      new Promise((resolve) => {
        clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Checks an Authorization: Digest header the way a Shelly Gen2 device does. */
function digestOk(req: http.IncomingMessage, password: string): boolean {
  const got = parseChallenge(String(req.headers.authorization ?? ''));
  if (!got || got.uri !== req.url || got.nonce !== '5f2a9c' || got.realm !== 'shellyplus1pm-test')
    return false;
  const expected = parseChallenge(
    digestHeader(
      { realm: got.realm, nonce: got.nonce, qop: 'auth', algorithm: 'SHA-256' },
      {
        method: req.method ?? 'GET',
        uri: got.uri,
        username: 'admin',
        password,
        cnonce: got.cnonce,
        nc: Number.parseInt(got.nc ?? '1', 16),
      },
    ),
  );
  return got.username === 'admin' && got.response === expected?.response;
}
