// End to end streaming: byte-for-byte SSE pass-through, no retry after the first byte, abort propagation.

import { request } from 'node:http';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { sseEvents } from './testing/fake-upstream.ts';
import { type Harness, startHarness, TEST_KEY } from './testing/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const streamReq = (model = 'fake-model'): ChatCompletionCreateParamsStreaming => ({
  model,
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
});

const waitFor = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('streaming', () => {
  it('passes SSE through byte for byte: comments, chunks, usage chunk and [DONE]', async () => {
    h = await startHarness({ upstreams: [{ chunks: 40, chunkDelayMs: 1 }] });
    const resp = await h.client().chat.completions.create(streamReq()).asResponse();
    expect(resp.headers.get('content-type')).toBe('text/event-stream');
    expect(resp.headers.get('x-beelab-backend')).toBe('b0');
    expect(await resp.text()).toBe(sseEvents('fake-model', 40).join(''));
  });

  it('the openai client reads the stream and its usage chunk', async () => {
    h = await startHarness({ upstreams: [{ chunks: 8 }] });
    const stream = await h
      .client()
      .chat.completions.create({ ...streamReq(), stream_options: { include_usage: true } });
    let text = '';
    let total = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) total = chunk.usage.total_tokens;
    }
    expect(text).toBe('tok0 tok1 tok2 tok3 tok4 tok5 tok6 tok7 ');
    expect(total).toBe(15);
  });

  it('does not retry once bytes reached the client; the client sees the stream break', async () => {
    h = await startHarness({ upstreams: [{ chunks: 10 }, { chunks: 10 }] });
    for (const u of h.upstreams) u.mode = { kind: 'die-mid-stream', afterChunks: 3 };
    const stream = await h.client().chat.completions.create(streamReq());
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const c of stream) got.push(c.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow();
    expect(got).toEqual(['tok0 ', 'tok1 ']);
    const total = h.upstreams.reduce((n, u) => n + u.requests, 0);
    expect(total).toBe(1);
    await waitFor(() => h!.gateway.backends.every((b) => b.outstanding === 0));
    expect(h.gateway.backends.reduce((n, b) => n + b.failures, 0)).toBe(1);
  });

  it('retries a stream whose backend fails before its first body byte', async () => {
    h = await startHarness();
    h.upstreams[0]!.mode = { kind: 'die-before-body' };
    const resp = await h.client().chat.completions.create(streamReq()).asResponse();
    expect(await resp.text()).toBe(sseEvents('fake-model', 5).join(''));
    expect(resp.headers.get('x-beelab-backend')).toBe('b1');
  });

  it('cuts a stream that goes silent longer than the idle timeout', async () => {
    h = await startHarness({
      upstreams: [{ chunks: 5, chunkDelayMs: 1000 }],
      configure: (c) => (c.timeouts = { idleMs: 100 }),
    });
    const stream = await h.client().chat.completions.create(streamReq());
    const t0 = performance.now();
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow();
    expect(performance.now() - t0).toBeLessThan(900);
    await waitFor(() => h!.upstreams[0]!.aborted === 1);
  });

  it('a client that disconnects mid-stream aborts the upstream request', async () => {
    h = await startHarness({ upstreams: [{ chunks: 200, chunkDelayMs: 10 }] });
    const controller = new AbortController();
    const stream = await h.client().chat.completions.create(streamReq(), { signal: controller.signal });
    let n = 0;
    // The openai client ends the iteration quietly on abort; either way the loop must stop.
    await (async () => {
      for await (const _ of stream) if (++n === 3) controller.abort();
    })().catch(() => undefined);
    expect(n).toBe(3);
    await waitFor(() => h!.upstreams[0]!.aborted === 1);
    await waitFor(() => h!.gateway.backends[0]!.outstanding === 0);
    expect(h.gateway.backends[0]!.breaker.state).toBe('closed');
    const metrics = await (await fetch(`${h.adminURL}/metrics`)).text();
    expect(metrics).toContain(
      'beelab_gateway_upstream_attempts_total{backend="b0",outcome="client_abort"} 1',
    );
    expect(metrics).toContain('code="499"');
  });

  it('a client that disconnects before the first byte aborts the upstream request', async () => {
    h = await startHarness({ upstreams: [{}] });
    h.upstreams[0]!.mode = { kind: 'stall' };
    const controller = new AbortController();
    const p = h.client().chat.completions.create(streamReq(), { signal: controller.signal });
    await waitFor(() => h!.gateway.backends[0]!.outstanding === 1);
    controller.abort();
    await expect(p).rejects.toThrow();
    await waitFor(() => h!.upstreams[0]!.aborted === 1);
    await waitFor(() => h!.gateway.backends[0]!.outstanding === 0);
  });

  it('adds include_usage to streams when a key is metered, so tokens are counted', async () => {
    h = await startHarness({
      upstreams: [{ chunks: 3 }],
      configure: (c) => (c.auth!.keys![0]!.tpm = 100_000),
    });
    h.upstreams[0]!.recordBodies = true;
    const resp = await h.client().chat.completions.create(streamReq()).asResponse();
    await resp.text();
    expect(h.upstreams[0]!.bodies[0]).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const metrics = await (await fetch(`${h.adminURL}/metrics`)).text();
    expect(metrics).toContain(
      'beelab_gateway_tokens_total{key="tester",model="fake-model",kind="completion"} 3',
    );
  });

  it('applies backpressure: a client that stops reading stalls the backend instead of filling memory', async () => {
    // 2,000 events of 16 KiB = 32 MiB, far more than the socket buffers of both hops can hold.
    h = await startHarness({ upstreams: [{ chunks: 2000, eventBytes: 16_384 }] });
    const up = h.upstreams[0]!;
    const port = Number(new URL(h.baseURL).port);
    const body = JSON.stringify(streamReq());
    let received = 0;
    const done = new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.pause();
          setTimeout(() => {
            // While nobody read, the backend could only write what the buffers on the way hold.
            if (up.eventsWritten >= 1000)
              reject(new Error(`backend wrote ${up.eventsWritten} events to a client that did not read`));
            res.on('data', (c: Buffer) => {
              received += c.length;
            });
            res.on('end', resolve);
            res.resume();
          }, 400);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    await done;
    expect(received).toBe(Buffer.byteLength(sseEvents('fake-model', 2000, 16_384).join('')));
    expect(up.eventsWritten).toBe(2004);
  });
});
