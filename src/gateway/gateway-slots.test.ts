// No request leaks a backend slot: every failure path is driven end to end (the openai client, or raw
// HTTP for bodies the client cannot send) and afterwards nothing is in flight, queued or outstanding,
// and each backend (one slot each, so a leaked slot would show) still answers.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from './config-schema.ts';
import type { UpstreamMode } from './testing/fake-upstream.ts';
import { type Harness, startHarness, TEST_KEY } from './testing/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const waitFor = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Two backends with one slot each, short timeouts, an alias and a metered stream path. */
const start = (configure?: (c: GatewayConfigInput) => void) =>
  startHarness({
    upstreams: [
      { chunks: 50, chunkDelayMs: 5 },
      { chunks: 50, chunkDelayMs: 5 },
    ],
    configure: (c) => {
      for (const b of c.backends) b.maxConcurrent = 1;
      c.timeouts = { connectMs: 300, firstByteMs: 300, idleMs: 300, drainMs: 1000 };
      c.routing = { queue: { max: 4, timeoutMs: 200 }, retryBudget: { minPerSecond: 1000 } };
      c.breaker = { failures: 1000, cooldownMs: 10 };
      c.aliases = { fast: 'fake-model' };
      c.usageLog = undefined;
      configure?.(c);
    },
  });

/** Nothing in flight, nothing queued, no slot held. */
async function expectNoSlotHeld(hh: Harness): Promise<void> {
  await waitFor(() => hh.gateway.inFlight === 0 && hh.gateway.router.queueDepth === 0);
  expect(hh.gateway.backends.map((b) => b.outstanding)).toEqual(hh.gateway.backends.map(() => 0));
  const metrics = await (await fetch(`${hh.adminURL}/metrics`)).text();
  expect(metrics).toContain('beelab_gateway_in_flight 0');
  expect(metrics).toMatch(/beelab_gateway_backend_outstanding\{backend="b0"\} 0/);
  expect(metrics).toMatch(/beelab_gateway_backend_outstanding\{backend="b1"\} 0/);
}

/** Both single-slot backends take two requests at once, so neither slot can be held by a dead request. */
async function expectBackendsUsable(hh: Harness): Promise<void> {
  for (const u of hh.upstreams) u.mode = { kind: 'ok' };
  const before = hh.upstreams.map((u) => u.requests);
  const answers = await Promise.all([0, 1].map(() => ask(hh).then((r) => r.choices[0]!.message.content)));
  expect(answers).toEqual(['hello from the fake upstream', 'hello from the fake upstream']);
  expect(hh.upstreams.map((u, i) => u.requests - before[i]!)).toEqual([1, 1]);
  await expectNoSlotHeld(hh);
}

const ask = (hh: Harness, model = 'fake-model') =>
  hh.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

const postRaw = (hh: Harness, body: string, headers: Record<string, string> = {}) =>
  fetch(`${hh.baseURL}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers },
    body,
  });

const deep = (levels: number, model = 'fake-model', extra = '') =>
  `{"model":"${model}"${extra},"messages":[{"role":"user","content":"hi"}],"metadata":${'['.repeat(levels)}${']'.repeat(levels)}}`;

describe('backend slots are always given back', () => {
  it.each<[string, UpstreamMode, number]>([
    ['5xx from every backend', { kind: 'status', status: 503 }, 503],
    ['429 from every backend', { kind: 'status', status: 429, retryAfter: '7' }, 429],
    ['first-byte timeout on every backend', { kind: 'stall' }, 504],
    ['headers then close on every backend', { kind: 'die-before-body' }, 502],
  ])('%s', async (_name, mode, status) => {
    h = await start();
    for (const u of h.upstreams) u.mode = mode;
    await expect(ask(h)).rejects.toMatchObject({ status });
    await expectNoSlotHeld(h);
    await expectBackendsUsable(h);
  });

  it('a refused connection on every backend', async () => {
    h = await start();
    for (const u of h.upstreams) await u.close();
    await expect(ask(h)).rejects.toMatchObject({ status: 502 });
    await expectNoSlotHeld(h);
  });

  it.each<[string, UpstreamMode]>([
    ['the backend dies mid-stream', { kind: 'die-mid-stream', afterChunks: 3 }],
    ['the backend stalls mid-stream (idle timeout)', { kind: 'stall-mid-stream', afterChunks: 3 }],
  ])('%s', async (_name, mode) => {
    h = await start();
    for (const u of h.upstreams) u.mode = mode;
    const stream = await h
      .client()
      .chat.completions.create({ model: 'fake-model', messages: [], stream: true });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow();
    await expectNoSlotHeld(h);
    await expectBackendsUsable(h);
  });

  it('the client aborts before the first byte: the slot is given back at once', async () => {
    h = await start((c) => (c.timeouts = { firstByteMs: 30_000 }));
    for (const u of h.upstreams) u.mode = { kind: 'stall' };
    const gone = new AbortController();
    const p = h
      .client()
      .chat.completions.create({ model: 'fake-model', messages: [] }, { signal: gone.signal });
    await waitFor(() => h!.gateway.backends.some((b) => b.outstanding === 1));
    gone.abort();
    await expect(p).rejects.toThrow();
    // Not at the 30 s first-byte timeout.
    await waitFor(() => h!.gateway.inFlight === 0, 1000);
    await expectNoSlotHeld(h);
    await expectBackendsUsable(h);
  });

  it('the client aborts mid-stream', async () => {
    h = await start();
    const mid = new AbortController();
    const stream = await h
      .client()
      .chat.completions.create({ model: 'fake-model', messages: [], stream: true }, { signal: mid.signal });
    let n = 0;
    await (async () => {
      for await (const _ of stream) if (++n === 2) mid.abort();
    })().catch(() => undefined);
    expect(n).toBe(2);
    await expectNoSlotHeld(h);
    await expectBackendsUsable(h);
  });

  it('a queued request: queue full, queue timeout, and the client leaving the queue', async () => {
    h = await start((c) => {
      c.routing = { queue: { max: 1, timeoutMs: 300 } };
      c.timeouts = { firstByteMs: 5000 };
    });
    for (const u of h.upstreams) u.mode = { kind: 'slow', delayMs: 600 };
    // Two fill the slots, one waits, one finds the queue full.
    const busy = [ask(h), ask(h)];
    await waitFor(() => h!.gateway.backends.every((b) => b.outstanding === 1));
    const queued = ask(h).catch((e: unknown) => e);
    await waitFor(() => h!.gateway.router.queueDepth === 1);
    await expect(ask(h)).rejects.toMatchObject({ status: 429, code: 'gateway_overloaded' });
    expect(await queued).toMatchObject({ status: 503, code: 'queue_timeout' });
    // A client that gives up while queued leaves the queue at once.
    const leaving = new AbortController();
    const gone = h
      .client()
      .chat.completions.create({ model: 'fake-model', messages: [] }, { signal: leaving.signal });
    await waitFor(() => h!.gateway.router.queueDepth === 1);
    leaving.abort();
    await expect(gone).rejects.toThrow();
    await waitFor(() => h!.gateway.router.queueDepth === 0, 100);
    await Promise.all(busy);
    await expectNoSlotHeld(h);
    await expectBackendsUsable(h);
  });

  it('hostile bodies are refused before a slot is taken: deep nesting, bad JSON, no model, too large, wrong type', async () => {
    h = await start((c) => (c.limits = { maxBodyBytes: 64 * 1024 }));
    const cases: [string, Record<string, string>, number, string][] = [
      [deep(5000), {}, 400, 'json_too_deep'],
      [deep(5000, 'fast'), {}, 400, 'json_too_deep'],
      [`{"model":"fake-model","x":"${'[{'.repeat(500)}\\"]"}`, {}, 0, ''],
      ['{"model": ', {}, 400, 'invalid_json'],
      ['{"messages":[]}', {}, 400, 'missing_model'],
      [`{"model":"fake-model","pad":"${'x'.repeat(70_000)}"}`, {}, 413, 'request_too_large'],
      [
        '{"model":"fake-model","messages":[]}',
        { 'content-type': 'text/plain' },
        415,
        'unsupported_media_type',
      ],
      ['{"model":"nope","messages":[]}', {}, 404, 'model_not_found'],
    ];
    for (const [body, headers, status, code] of cases) {
      const r = await postRaw(h, body, headers);
      if (status === 0) {
        // Brackets inside a string are not nesting: this one is forwarded.
        expect(r.status).toBe(200);
        await r.arrayBuffer();
        continue;
      }
      expect(r.status).toBe(status);
      expect(await r.json()).toMatchObject({ error: { code, type: 'invalid_request_error' } });
    }
    await expectNoSlotHeld(h);
    await expectBackendsUsable(h);
  });

  it('a body that cannot be re-serialised for an alias or usage reporting gives its slot back', async () => {
    // Only possible when an operator raises maxJsonDepth far above the default: the real
    // JSON.stringify overflows the stack on the rewrite, after the slot was taken.
    h = await start((c) => {
      c.limits = { maxJsonDepth: 10_000 };
      c.usageLog = undefined;
    });
    for (const [body] of [[deep(9000, 'fast')], [deep(9000, 'fast', ',"stream":true')]] as const) {
      for (let i = 0; i < 3; i++) {
        const r = await postRaw(h, body!);
        expect(r.status).toBe(400);
        expect(await r.json()).toMatchObject({ error: { code: 'json_too_deep' } });
      }
    }
    // The same depth with no rewrite needed is forwarded as it came.
    const plain = await postRaw(h, deep(9000));
    expect(plain.status).toBe(200);
    await plain.arrayBuffer();
    await expectNoSlotHeld(h);
    await expectBackendsUsable(h);
  });

  it('a client that sends headers and vanishes before the body ends holds no slot', async () => {
    h = await start();
    const url = new URL(h.baseURL);
    await new Promise<void>((resolve) => {
      const s = connect(Number(url.port), '127.0.0.1', () => {
        s.write(
          `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TEST_KEY}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":"fake-`,
        );
        setTimeout(() => s.destroy(), 50);
      });
      s.on('close', () => resolve());
    });
    await expectNoSlotHeld(h);
    await expectBackendsUsable(h);
  });

  it('a drain cuts what is left and holds no slot', async () => {
    h = await start((c) => (c.timeouts = { drainMs: 100, firstByteMs: 30_000 }));
    for (const u of h.upstreams) u.mode = { kind: 'stall' };
    const pending = [ask(h), ask(h), ask(h)].map((p) => p.catch((e: unknown) => e));
    await waitFor(() => h!.gateway.router.queueDepth === 1);
    await h.gateway.close();
    await Promise.all(pending);
    await waitFor(() => h!.gateway.inFlight === 0);
    expect(h.gateway.backends.map((b) => b.outstanding)).toEqual([0, 0]);
    expect(h.gateway.router.queueDepth).toBe(0);
  });
});
