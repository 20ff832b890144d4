// Limits and hygiene: body size, graceful drain, status JSON and a Prometheus exposition promtool accepts.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { needTool } from '../../test/support/tools.ts';
import { sseEvents } from './testing/fake-upstream.ts';
import { type Harness, startHarness, TEST_KEY } from './testing/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const post = (hh: Harness, body: string) =>
  fetch(`${hh.baseURL}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body,
  });

describe('limits and hygiene', () => {
  it('refuses a body over the limit with 413 and bad JSON with 400', async () => {
    h = await startHarness({ configure: (c) => (c.limits = { maxBodyBytes: 1000 }) });
    const big = JSON.stringify({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'x'.repeat(2000) }],
    });
    const r = await post(h, big);
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ error: { code: 'request_too_large' } });
    const bad = await post(h, '{"model": ');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_json' },
    });
    expect(h.upstreams.every((u) => u.requests === 0)).toBe(true);
  });

  it('drains: an in-flight stream finishes, new requests are refused, then it stops', async () => {
    h = await startHarness({ upstreams: [{ chunks: 20, chunkDelayMs: 10 }] });
    const stream = await h
      .client()
      .chat.completions.create({ model: 'fake-model', messages: [], stream: true })
      .asResponse();
    const text = stream.text();
    await new Promise((r) => setTimeout(r, 30));
    const closing = h.gateway.close();
    await new Promise((r) => setTimeout(r, 10));
    const ready = await fetch(`${h.baseURL}/readyz`).catch(() => undefined);
    // Either the listener is already closed or it answers "not ready"; it never takes new work.
    if (ready) expect(ready.status).toBe(503);
    expect(await text).toBe(sseEvents('fake-model', 20).join(''));
    await closing;
    await expect(fetch(`${h.baseURL}/healthz`)).rejects.toThrow();
  });

  it('cuts in-flight requests when the drain time runs out', async () => {
    h = await startHarness({ configure: (c) => (c.timeouts = { drainMs: 100 }) });
    for (const u of h.upstreams) u.mode = { kind: 'stall' };
    const pending = h.client().chat.completions.create({ model: 'fake-model', messages: [] });
    await new Promise((r) => setTimeout(r, 30));
    const t0 = performance.now();
    await h.gateway.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });

  it('serves a JSON status page with health, load and cooldown per backend', async () => {
    h = await startHarness();
    const s = (await (await fetch(`${h.adminURL}/status`)).json()) as Record<string, unknown>;
    expect(s).toMatchObject({
      ready: true,
      draining: false,
      models: ['fake-model'],
      backends: [
        {
          name: 'b0',
          health: 'up',
          circuit: 'closed',
          cooldownRemainingMs: 0,
          outstanding: 0,
          models: ['fake-model'],
        },
        { name: 'b1', health: 'up' },
      ],
    });
  });

  it('exposes metrics that promtool accepts', async () => {
    h = await startHarness();
    h.upstreams[0]!.mode = { kind: 'status', status: 500 };
    const client = h.client();
    for (let i = 0; i < 5; i++) await client.chat.completions.create({ model: 'fake-model', messages: [] });
    const s = await client.chat.completions.create({ model: 'fake-model', messages: [], stream: true });
    for await (const _ of s);
    await expect(client.chat.completions.create({ model: 'nope', messages: [] })).rejects.toThrow();
    const res = await fetch(`${h.adminURL}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('beelab_gateway_requests_total{route="/v1/chat/completions",code="200"} 6');
    expect(text).toContain('beelab_gateway_requests_total{route="/v1/chat/completions",code="404"} 1');
    expect(text).toMatch(/beelab_gateway_upstream_attempts_total\{backend="b0",outcome="status_500"\} [1-9]/);
    expect(text).toContain('beelab_gateway_request_duration_seconds_count{route="/v1/chat/completions"} 6');
    if (!needTool('promtool', 'apt-get install prometheus')) return;
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });
});
