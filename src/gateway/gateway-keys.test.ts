// End to end key handling: 401/403/429 bodies, RPM, TPM, budgets, the usage log and budget restore.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashKey } from './api-keys.ts';
import type { GatewayConfigInput } from './config-schema.ts';
import { type Harness, startHarness, TEST_KEY } from './testing/harness.ts';

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const ask = (hh: Harness, key?: string, model = 'fake-model') =>
  hh
    .client(key)
    .chat.completions.create({ model, messages: [{ role: 'user', content: 'secret prompt text' }] });

describe('API keys', () => {
  it('refuses a missing or wrong key with 401 and an OpenAI error body', async () => {
    h = await startHarness();
    await expect(ask(h, 'sk-wrong')).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      type: 'authentication_error',
    });
    const r = await fetch(`${h.baseURL}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({
      error: { type: 'authentication_error', code: 'invalid_api_key', param: null },
    });
    expect(h.upstreams.every((u) => u.requests === 0)).toBe(true);
  });

  it('limits a key to its models with 403 and lists only those', async () => {
    h = await startHarness({
      upstreams: [{ models: ['small', 'big'] }],
      configure: (c) => (c.auth!.keys![0]!.models = ['small']),
    });
    expect((await ask(h, TEST_KEY, 'small')).choices).toHaveLength(1);
    await expect(ask(h, TEST_KEY, 'big')).rejects.toMatchObject({ status: 403, code: 'model_not_allowed' });
    expect((await h.client().models.list()).data.map((m) => m.id)).toEqual(['small']);
  });

  it('enforces requests per minute with 429 and retry-after', async () => {
    h = await startHarness({ configure: (c) => (c.auth!.keys![0]!.rpm = 3) });
    for (let i = 0; i < 3; i++) await ask(h);
    const r = await fetch(`${h.baseURL}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: [] }),
    });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await r.json()).toMatchObject({
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    });
  });

  it('enforces tokens per minute from the usage the backend reports', async () => {
    // Each fake completion reports 12 tokens; 20 TPM allows two requests, the third is refused.
    h = await startHarness({ configure: (c) => (c.auth!.keys![0]!.tpm = 20) });
    await ask(h);
    await ask(h);
    await expect(ask(h)).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });

  it('keeps separate keys apart', async () => {
    const other = 'sk-other-key-abcdef';
    h = await startHarness({
      configure: (c) => {
        c.auth!.keys![0]!.rpm = 1;
        c.auth!.keys!.push({ name: 'other', hash: hashKey(other), rpm: 1 });
      },
    });
    await ask(h);
    await ask(h, other);
    await expect(ask(h)).rejects.toMatchObject({ status: 429 });
  });

  it('writes a JSONL usage log, enforces the budget and restores it after a restart', async () => {
    dir = await mkdtemp(join(tmpdir(), 'beelab-gw-'));
    const usageLog = join(dir, 'usage.jsonl');
    const configure = (c: GatewayConfigInput) => {
      c.usageLog = usageLog;
      c.auth!.keys![0]!.budget = { tokens: 30, period: 'day' };
    };
    h = await startHarness({ configure });
    await ask(h);
    await ask(h);
    const s = await h.client().chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    for await (const _ of s);
    // 12 + 12 + 12 (7 prompt + 5 chunks) = 36 > 30: the next request is over budget.
    await expect(ask(h)).rejects.toMatchObject({
      status: 429,
      code: 'insufficient_quota',
      type: 'insufficient_quota',
    });
    await h.close();
    const lines = (await readFile(usageLog, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      key: 'tester',
      model: 'fake-model',
      backend: expect.any(String),
      status: 200,
      stream: false,
      total_tokens: 12,
    });
    expect(lines[2]).toMatchObject({
      stream: true,
      prompt_tokens: 7,
      completion_tokens: 5,
      total_tokens: 12,
    });
    const text = await readFile(usageLog, 'utf8');
    expect(text).not.toContain('secret prompt');
    expect(text).not.toContain(TEST_KEY);

    h = await startHarness({ configure });
    await expect(ask(h)).rejects.toMatchObject({ status: 429, code: 'insufficient_quota' });
    const status = (await (await fetch(`${h.adminURL}/status`)).json()) as { keys: unknown[] };
    expect(status.keys).toEqual([
      { name: 'tester', budgetUsed: 36, budgetPeriod: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) },
    ]);
  });

  it('never logs prompt text or the key', async () => {
    h = await startHarness();
    await ask(h);
    await expect(ask(h, 'sk-wrong-key-visible')).rejects.toThrow();
    h.gateway.logger.flush();
    const all = h.logs.join('');
    expect(all).toContain('"msg":"request"');
    expect(all).not.toContain('secret prompt');
    expect(all).not.toContain(TEST_KEY);
    expect(all).not.toContain('sk-wrong-key-visible');
    const lines = all.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
