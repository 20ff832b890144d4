// End to end through the openai client: API surface, failover, cooldown and recovery, queueing.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './testing/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ask = (hh: Harness, model = 'fake-model') =>
  hh.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

describe('gateway API surface', () => {
  it('answers chat, completions, embeddings and lists models plus aliases', async () => {
    h = await startHarness({ configure: (c) => (c.aliases = { fast: 'fake-model' }) });
    const chat = await ask(h);
    expect(chat.choices[0]!.message.content).toBe('hello from the fake upstream');
    expect(chat.usage?.total_tokens).toBe(12);
    const emb = await h.client().embeddings.create({ model: 'fake-model', input: 'x' });
    expect(emb.data[0]!.embedding.map((x) => Math.round(x * 10) / 10)).toEqual([0.1, 0.2, 0.3]);
    const comp = await h.client().completions.create({ model: 'fast', prompt: 'x' });
    expect(comp.model).toBe('fake-model');
    const models = await h.client().models.list();
    expect(models.data.map((m) => m.id)).toEqual(['fake-model', 'fast']);
    const health = await fetch(`${h.baseURL}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${h.baseURL}/readyz`)).status).toBe(200);
  });

  it('rewrites an alias to the model name each backend knows', async () => {
    h = await startHarness({
      upstreams: [{ models: ['llama3.1:8b'] }, { models: ['Meta-Llama-3.1-8B'] }],
      configure: (c) => (c.aliases = { llama: ['llama3.1:8b', 'Meta-Llama-3.1-8B'] }),
    });
    for (const u of h.upstreams) u.recordBodies = true;
    for (let i = 0; i < 4; i++) await ask(h, 'llama');
    expect(h.upstreams[0]!.bodies.map((b) => (b as { model: string }).model)).toEqual([
      'llama3.1:8b',
      'llama3.1:8b',
    ]);
    expect(h.upstreams[1]!.bodies.map((b) => (b as { model: string }).model)).toEqual([
      'Meta-Llama-3.1-8B',
      'Meta-Llama-3.1-8B',
    ]);
  });

  it('returns OpenAI-style errors for unknown models and routes', async () => {
    h = await startHarness();
    await expect(ask(h, 'nope')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    const r = await fetch(`${h.baseURL}/v1/nothing`, {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
    });
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'not_found' } });
  });

  it('spreads load by least outstanding requests', async () => {
    h = await startHarness({ upstreams: [{}, {}, {}] });
    for (const u of h.upstreams) u.mode = { kind: 'slow', delayMs: 50 };
    await Promise.all(Array.from({ length: 9 }, () => ask(h!)));
    expect(h.upstreams.map((u) => u.requests)).toEqual([3, 3, 3]);
  });

  it('weighted strategy follows the weights', async () => {
    h = await startHarness({
      configure: (c) => {
        c.routing = { strategy: 'weighted' };
        c.backends[0]!.weight = 3;
      },
    });
    for (let i = 0; i < 8; i++) await ask(h);
    expect(h.upstreams.map((u) => u.requests)).toEqual([6, 2]);
  });

  it('latency strategy prefers the faster backend', async () => {
    h = await startHarness({ configure: (c) => (c.routing = { strategy: 'latency' }) });
    h.upstreams[0]!.mode = { kind: 'slow', delayMs: 40 };
    for (let i = 0; i < 10; i++) await ask(h);
    expect(h.upstreams[1]!.requests).toBeGreaterThanOrEqual(8);
  });
});

describe('failover and the circuit breaker', () => {
  it.each([
    ['5xx', { kind: 'status', status: 503 }],
    ['429', { kind: 'status', status: 429 }],
    ['headers then close', { kind: 'die-before-body' }],
  ] as const)('retries a %s on another backend before the first byte', async (_name, mode) => {
    h = await startHarness();
    h.upstreams[0]!.mode = mode;
    for (let i = 0; i < 4; i++) expect((await ask(h)).choices[0]!.message.content).toContain('hello');
    expect(h.upstreams[1]!.requests).toBe(4);
  });

  it('retries a refused connection and a first-byte timeout', async () => {
    h = await startHarness({ configure: (c) => (c.timeouts = { firstByteMs: 150, connectMs: 200 }) });
    h.upstreams[0]!.mode = { kind: 'stall' };
    const t0 = performance.now();
    expect((await ask(h)).choices[0]!.message.content).toContain('hello');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    await h.upstreams[0]!.close();
    for (let i = 0; i < 3; i++) await ask(h);
    expect(h.upstreams[1]!.requests).toBe(4);
  });

  it('opens the circuit after repeated failures, shows the cooldown, then recovers through a probe', async () => {
    h = await startHarness({ configure: (c) => (c.breaker = { failures: 2, cooldownMs: 1000 }) });
    const bad = h.upstreams[0]!;
    bad.mode = { kind: 'status', status: 500 };
    for (let i = 0; i < 6; i++) await ask(h);
    const status = (await (await fetch(`${h.adminURL}/status`)).json()) as {
      backends: { name: string; circuit: string; cooldownRemainingMs: number; lastError: string }[];
    };
    expect(status.backends[0]).toMatchObject({
      name: 'b0',
      circuit: 'open',
      lastError: 'status: answered 500',
    });
    expect(status.backends[0]!.cooldownRemainingMs).toBeGreaterThan(0);
    const metrics = await (await fetch(`${h.adminURL}/metrics`)).text();
    expect(metrics).toContain('beelab_gateway_backend_circuit_state{backend="b0"} 2');
    // While open, nothing goes to the bad backend.
    bad.mode = { kind: 'ok' };
    for (let i = 0; i < 4; i++) await ask(h);
    expect(bad.requests).toBe(0);
    await new Promise((r) => setTimeout(r, 1050));
    for (let i = 0; i < 4; i++) await ask(h);
    expect(bad.requests).toBeGreaterThanOrEqual(1);
    expect(h.gateway.backends[0]!.breaker.state).toBe('closed');
  });

  it('relays the last error when every backend fails, within maxAttempts', async () => {
    h = await startHarness({ upstreams: [{}, {}, {}], configure: (c) => (c.routing = { maxAttempts: 2 }) });
    for (const u of h.upstreams) u.mode = { kind: 'status', status: 502 };
    await expect(ask(h)).rejects.toMatchObject({ status: 502 });
    const seen = h.gateway.backends.reduce((n, b) => n + b.failures, 0);
    expect(seen).toBe(2);
  });

  it('treats a llama.cpp backend that is loading as not ready and a 503 readyz until one is up', async () => {
    h = await startHarness({
      upstreams: [{ healthStatus: 503 }],
      configure: (c) => {
        c.backends[0]!.kind = 'llamacpp';
        c.backends[0]!.models = ['fake-model'];
      },
    });
    expect(h.gateway.backends[0]!.health).toBe('loading');
    expect((await fetch(`${h.baseURL}/readyz`)).status).toBe(503);
    await expect(ask(h)).rejects.toMatchObject({ status: 503, code: 'no_healthy_backend' });
    h.upstreams[0]!.healthStatus = 200;
    await h.gateway.checkHealth();
    expect((await fetch(`${h.baseURL}/readyz`)).status).toBe(200);
    expect((await ask(h)).choices).toHaveLength(1);
  });

  it('discovers ollama models from /api/tags', async () => {
    h = await startHarness({
      upstreams: [{ models: ['qwen2.5:7b', 'nomic-embed-text'] }],
      configure: (c) => (c.backends[0]!.kind = 'ollama'),
    });
    expect((await h.client().models.list()).data.map((m) => m.id)).toEqual([
      'nomic-embed-text',
      'qwen2.5:7b',
    ]);
  });
});

describe('bounded queue', () => {
  it('queues when every backend is full, then answers 429 when the queue is full', async () => {
    h = await startHarness({
      upstreams: [{}],
      configure: (c) => {
        c.backends[0]!.maxConcurrent = 1;
        c.routing = { queue: { max: 1, timeoutMs: 5000 } };
      },
    });
    h.upstreams[0]!.mode = { kind: 'slow', delayMs: 500 };
    const results = await Promise.allSettled([ask(h), ask(h), ask(h)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ status: 429, code: 'gateway_overloaded' });
  });

  it('answers 503 when a queued request waits too long', async () => {
    h = await startHarness({
      upstreams: [{}],
      configure: (c) => {
        c.backends[0]!.maxConcurrent = 1;
        c.routing = { queue: { max: 4, timeoutMs: 50 } };
      },
    });
    h.upstreams[0]!.mode = { kind: 'slow', delayMs: 300 };
    const results = await Promise.allSettled([ask(h), ask(h)]);
    expect(results[0]!.status).toBe('fulfilled');
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      status: 503,
      code: 'queue_timeout',
    });
  });
});
