// Test harness: fake upstreams plus a gateway on loopback, and an `openai` client pointed at it.
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { hashKey } from '../api-keys.ts';
import { type GatewayConfigInput, gatewayConfigSchema } from '../config-schema.ts';
import { createGateway, type Gateway, type GatewayDeps } from '../create-gateway.ts';
import { FakeUpstream, type FakeUpstreamOptions } from './fake-upstream.ts';

export interface Harness {
  gateway: Gateway;
  upstreams: FakeUpstream[];
  baseURL: string;
  /** The admin listener (/status, /metrics); the API URL when admin.listen is "main". */
  adminURL: string;
  logs: string[];
  client(key?: string): OpenAI;
  close(): Promise<void>;
}

export const TEST_KEY = 'sk-test-key-0123456789';
export const TEST_KEY_HASH = hashKey(TEST_KEY);

/** Starts `n` upstreams and a gateway in front of them; `configure` edits the config before parsing. */
export async function startHarness(
  opts: {
    upstreams?: FakeUpstreamOptions[];
    configure?: (c: GatewayConfigInput) => void;
    deps?: GatewayDeps;
  } = {},
): Promise<Harness> {
  const upstreams = (opts.upstreams ?? [{}, {}]).map((o) => new FakeUpstream(o));
  await Promise.all(upstreams.map((u) => u.listen()));
  const input: GatewayConfigInput = {
    listen: { host: '127.0.0.1', port: 0 },
    admin: { listen: { host: '127.0.0.1', port: 0 } },
    backends: upstreams.map((u, i) => ({ name: `b${i}`, kind: 'openai' as const, url: u.url })),
    auth: { keys: [{ name: 'tester', hash: TEST_KEY_HASH }] },
    health: { intervalMs: 60_000 },
    timeouts: { connectMs: 500, firstByteMs: 2000, idleMs: 2000, drainMs: 2000 },
    breaker: { failures: 2, cooldownMs: 200 },
  };
  opts.configure?.(input);
  const config = gatewayConfigSchema.parse(input);
  const logs: string[] = [];
  const logOut = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const gateway = createGateway(config, { logOut, ...opts.deps });
  const addr = await gateway.start();
  const baseURL = `http://127.0.0.1:${addr.port}`;
  const admin = gateway.adminAddress;
  return {
    gateway,
    upstreams,
    baseURL,
    adminURL: admin ? `http://127.0.0.1:${admin.port}` : baseURL,
    logs,
    client: (key = TEST_KEY) =>
      new OpenAI({ apiKey: key, baseURL: `${baseURL}/v1`, maxRetries: 0, timeout: 10_000 }),
    async close() {
      await gateway.close();
      await Promise.all(upstreams.map((u) => u.close()));
    },
  };
}
