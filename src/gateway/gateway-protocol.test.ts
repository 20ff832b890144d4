// Protocol details: Retry-After relayed, the Bearer scheme in any case, JSON-only bodies, JSON errors
// for over-long headers and URLs, and /status and /metrics kept off the API port or behind admin keys.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { hashKey } from './api-keys.ts';
import { type Harness, startHarness, TEST_KEY } from './testing/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ADMIN_KEY = 'sk-admin-0123456789';

/** A raw GET with arbitrary headers and path (fetch would refuse some of these). */
const rawGet = (base: string, path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const u = new URL(base);
    const req = request({ host: u.hostname, port: u.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('protocol details', () => {
  it('relays the last backend’s 429 with its Retry-After', async () => {
    h = await startHarness();
    for (const u of h.upstreams) u.mode = { kind: 'status', status: 429, retryAfter: '17' };
    const err = await h
      .client()
      .chat.completions.create({ model: 'fake-model', messages: [] })
      .then(
        () => undefined,
        (e: unknown) => e as { status: number; headers: Headers },
      );
    expect(err).toMatchObject({ status: 429 });
    expect(err?.headers.get('retry-after')).toBe('17');
  });

  it('matches the Bearer scheme in any case (RFC 7235) and still refuses a wrong key', async () => {
    h = await startHarness();
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const r = await fetch(`${h.baseURL}/v1/models`, {
        headers: { authorization: `${scheme} ${TEST_KEY}` },
      });
      expect(r.status).toBe(200);
    }
    const bad = await fetch(`${h.baseURL}/v1/models`, { headers: { authorization: 'bearer sk-nope' } });
    expect(bad.status).toBe(401);
  });

  it('refuses a non-JSON Content-Type with 415 and accepts JSON with a charset', async () => {
    h = await startHarness();
    const post = (ct: string) =>
      fetch(`${h!.baseURL}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': ct },
        body: '{"model":"fake-model","messages":[]}',
      });
    for (const ct of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const r = await post(ct);
      expect(r.status).toBe(415);
      expect(await r.json()).toMatchObject({
        error: { type: 'invalid_request_error', code: 'unsupported_media_type', param: null },
      });
    }
    expect((await post('application/json; charset=utf-8')).status).toBe(200);
    expect(h.upstreams.reduce((n, u) => n + u.requests, 0)).toBe(1);
  });

  it('answers over-long headers with 431 and over-long URLs with 414, as OpenAI-style JSON', async () => {
    h = await startHarness({ configure: (c) => (c.limits = { maxHeaderBytes: 4096, maxUrlBytes: 1024 }) });
    const header = await rawGet(h.baseURL, '/healthz', { 'x-big': 'a'.repeat(8000) });
    expect(header.status).toBe(431);
    expect(header.headers['content-type']).toBe('application/json');
    expect(JSON.parse(header.body)).toMatchObject({ error: { code: 'request_header_fields_too_large' } });
    // Longer than the header limit: node:http's parser refuses it.
    const hugeUrl = await rawGet(h.baseURL, `/v1/models?${'q'.repeat(8000)}`);
    expect(hugeUrl.status).toBe(414);
    expect(JSON.parse(hugeUrl.body)).toMatchObject({ error: { code: 'uri_too_long' } });
    // Within the header limit but over maxUrlBytes: the handler refuses it.
    const longUrl = await rawGet(h.baseURL, `/v1/models?${'q'.repeat(2000)}`);
    expect(longUrl.status).toBe(414);
    expect(JSON.parse(longUrl.body)).toMatchObject({ error: { code: 'uri_too_long' } });
    expect((await rawGet(h.baseURL, '/healthz')).status).toBe(200);
  });
});

describe('admin endpoints', () => {
  it('by default serve /status and /metrics only on the admin listener, not on the API port', async () => {
    h = await startHarness();
    expect(h.adminURL).not.toBe(h.baseURL);
    for (const path of ['/status', '/metrics']) {
      const api = await fetch(`${h.baseURL}${path}`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
      expect(api.status).toBe(404);
      expect(await api.text()).not.toContain(h.upstreams[0]!.url);
      expect((await fetch(`${h.adminURL}${path}`)).status).toBe(200);
    }
    expect((await fetch(`${h.baseURL}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.adminURL}/readyz`)).status).toBe(200);
    // The admin listener serves nothing else.
    expect((await fetch(`${h.adminURL}/v1/models`)).status).toBe(404);
  });

  it('with admin keys, /status and /metrics need one (a user key is not enough)', async () => {
    h = await startHarness({
      configure: (c) =>
        (c.admin = { listen: { port: 0 }, keys: [{ name: 'prom', hash: hashKey(ADMIN_KEY) }] }),
    });
    for (const path of ['/status', '/metrics']) {
      const none = await fetch(`${h.adminURL}${path}`);
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
      expect(
        (await fetch(`${h.adminURL}${path}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).status,
      ).toBe(401);
      expect(
        (await fetch(`${h.adminURL}${path}`, { headers: { authorization: `bearer ${ADMIN_KEY}` } })).status,
      ).toBe(200);
    }
  });

  it('admin.listen: main serves them on the API port behind the admin keys', async () => {
    h = await startHarness({
      configure: (c) => (c.admin = { listen: 'main', keys: [{ name: 'prom', hash: hashKey(ADMIN_KEY) }] }),
    });
    expect(h.gateway.adminServer).toBeUndefined();
    expect(h.adminURL).toBe(h.baseURL);
    expect((await fetch(`${h.baseURL}/status`)).status).toBe(401);
    const ok = await fetch(`${h.baseURL}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('beelab_gateway_in_flight');
  });
});
