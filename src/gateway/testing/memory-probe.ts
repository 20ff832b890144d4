// Child process for the memory test: drives N requests through a gateway and prints heap after GC at checkpoints.
import { Agent, request } from 'node:http';
import { Writable } from 'node:stream';
import { gatewayConfigSchema } from '../config-schema.ts';
import { createGateway } from '../create-gateway.ts';
import { FakeUpstream } from './fake-upstream.ts';
import { TEST_KEY, TEST_KEY_HASH } from './harness.ts';

const total = Number(process.argv[2] ?? 20_000);
const warmup = Number(process.argv[3] ?? 2_000);
const concurrency = 32;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const upstreams = [new FakeUpstream({ chunks: 4 }), new FakeUpstream({ chunks: 4 })];
await Promise.all(upstreams.map((u) => u.listen()));
const config = gatewayConfigSchema.parse({
  listen: { host: '127.0.0.1', port: 0 },
  admin: { listen: { host: '127.0.0.1', port: 0 } },
  backends: upstreams.map((u, i) => ({ name: `b${i}`, kind: 'openai', url: u.url })),
  auth: { keys: [{ name: 'k', hash: TEST_KEY_HASH, rpm: 10_000_000, tpm: 100_000_000 }] },
  health: { intervalMs: 60_000 },
  log: { requests: true },
});
// Logs go nowhere but are still produced, so their cost and garbage are part of the measurement.
const sink = new Writable({ write: (_c, _e, cb) => cb() });
const gw = createGateway(config, { logOut: sink });
const { port } = await gw.start();
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const bodies = [
  Buffer.from(JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'hello' }] })),
  Buffer.from(
    JSON.stringify({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'hello' }] }),
  ),
];

let sent = 0;
let failed = 0;
function one(): Promise<void> {
  const body = bodies[sent++ % 2]!;
  return new Promise((resolve) => {
    const req = request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/v1/chat/completions',
        agent,
        headers: {
          authorization: `Bearer ${TEST_KEY}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        if (res.statusCode !== 200) failed++;
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', () => {
      failed++;
      resolve();
    });
    req.end(body);
  });
}

async function run(n: number): Promise<void> {
  let left = n;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await one();
    }),
  );
}

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const t0 = performance.now();
await run(warmup);
await new Promise((r) => setTimeout(r, 50));
const afterWarmup = heapAfterGc();
await run(total - warmup);
await new Promise((r) => setTimeout(r, 50));
const afterAll = heapAfterGc();
const seconds = (performance.now() - t0) / 1000;
await gw.close();
await Promise.all(upstreams.map((u) => u.close()));
agent.destroy();
process.stdout.write(`${JSON.stringify({ total, warmup, failed, afterWarmup, afterAll, seconds })}\n`);
