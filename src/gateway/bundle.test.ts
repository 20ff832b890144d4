// The service's form of the gateway: built into one file, run by plain node (no tsx), serving real requests.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleGateway } from './bundle.ts';
import { GATEWAY_NODE_FLAGS } from './service-files.ts';
import { FakeUpstream } from './testing/fake-upstream.ts';
import { TEST_KEY, TEST_KEY_HASH } from './testing/harness.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('gateway bundle', () => {
  it('runs under plain node with the service flags and serves a chat completion', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beelab-gw-bundle-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const upstream = new FakeUpstream({ models: ['fake-model'] });
    await upstream.listen();
    cleanups.push(() => upstream.close());

    const out = join(dir, 'beelab-gateway.mjs');
    expect(await bundleGateway(out)).toBeGreaterThan(10_000);
    // One self-contained file: nothing left for tsx or a loader to resolve.
    const code = await readFile(out, 'utf8');
    expect(code).not.toMatch(/from\s*["'](\.{1,2}\/|tsx|zod|yaml)/);

    const config = join(dir, 'gateway.yaml');
    await writeFile(
      config,
      [
        'listen: { host: 127.0.0.1, port: 0 }',
        'admin: { listen: { host: 127.0.0.1, port: 0 } }',
        `backends: [{ name: up, kind: openai, url: "${upstream.url}" }]`,
        `auth: { keys: [{ name: tester, hash: "${TEST_KEY_HASH}" }] }`,
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, out, '--config', config], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' }, // no NODE_OPTIONS, so no tsx loader from the test runner
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    const lines = createInterface({ input: child.stderr! });
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the bundle did not start within 15 s')), 15_000);
      lines.on('line', (l) => {
        const m = JSON.parse(l) as { msg: string; port?: number };
        if (m.msg === 'gateway listening') {
          clearTimeout(t);
          resolve(m.port!);
        }
      });
      child.once('exit', (code) => reject(new Error(`the bundle exited with ${code}`)));
    });

    const client = new OpenAI({
      apiKey: TEST_KEY,
      baseURL: `http://127.0.0.1:${port}/v1`,
      maxRetries: 0,
      timeout: 10_000,
    });
    const chat = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(chat.choices[0]!.message.content).toBe('hello from the fake upstream');
    expect(chat.usage?.total_tokens).toBe(12);
    await expect(
      new OpenAI({ apiKey: 'sk-wrong', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }).models.list(),
    ).rejects.toMatchObject({ status: 401 });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
