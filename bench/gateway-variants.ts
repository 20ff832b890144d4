// Side experiments for the gateway's p99 (docs/benchmarks.md#gateway): the bundle run several ways at once
// (node flags, access log on/off) in paired 1 s rounds against direct and the minimal proxy, pinned like
// bench/gateway.ts. Not the benchmark; run as root in a private network namespace:
//   VARIANTS='[{"flags":[]},{"flags":["--min-semi-space-size=16"]}]' WARM_MS=10000 WARM_RATE=500 \
//   unshare --net sh -c 'ip link set lo up && exec node --import tsx bench/gateway-variants.ts'
// A variant may name a prebuilt bundle ("bundle": "/tmp/base.mjs", e.g. built from an earlier commit) for
// before/after runs side by side; FLOOR_FLAGS (JSON array) gives the floor node flags too.

import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashKey } from '../src/gateway/api-keys.ts';
import { bundleGateway } from '../src/gateway/bundle.ts';
import type { PhaseResult, PhaseSpec } from './gateway/loadgen.ts';
import { cpuMs, freePort, rssMb, spawnPinned, stop, waitHttp } from './gateway/processes.ts';

const root = resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'beelab-variants-'));
/** One way to run the gateway: node flags, access log, and the form (minified bundle, plain bundle, tsx CLI). */
interface Variant {
  flags: string[];
  requests?: boolean;
  devnull?: boolean;
  name?: string;
  form?: 'bundle' | 'unminified' | 'tsx';
  /** A bundle built elsewhere (e.g. from an earlier commit), for before/after runs side by side. */
  bundle?: string;
  /** The bundle predates the `admin` config section (before issue 10): leave it out of its config. */
  noAdmin?: boolean;
}
const variants: Variant[] = JSON.parse(process.env.VARIANTS ?? '[{"flags":[]}]');
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const RATE = Number(process.env.RATE ?? 500);
const KEY = 'sk-bench-0123456789abcdef';
const bundle = join(tmp, 'beelab-gateway.mjs');
await bundleGateway(bundle);
const plainBundle = join(tmp, 'beelab-gateway-unminified.mjs');
await bundleGateway(plainBundle, { minify: false });
const entry = (v: Variant): string[] =>
  v.form === 'tsx'
    ? [join(root, 'bin/beelab.mjs'), 'gateway']
    : [v.bundle ?? (v.form === 'unminified' ? plainBundle : bundle)];
const log = openSync(join(tmp, 'servers.log'), 'a');
const upPort = await freePort();
const flPort = await freePort();
const up = spawnPinned(
  -10,
  0,
  process.execPath,
  ['--import', 'tsx', join(root, 'src/gateway/testing/upstream-server.ts'), String(upPort), '8'],
  log,
);
const floor = spawnPinned(
  -10,
  0,
  process.execPath,
  // FLOOR_FLAGS (JSON array) starts the floor with node flags too, e.g. --cpu-prof to compare profiles.
  [
    ...JSON.parse(process.env.FLOOR_FLAGS ?? '[]'),
    join(root, 'bench/gateway/minimal-proxy.mjs'),
    String(flPort),
    String(upPort),
  ],
  log,
);
const gws = [];
for (const [i, v] of variants.entries()) {
  const flags = v.flags;
  const port = await freePort();
  const cfg = join(tmp, `gw${i}.yaml`);
  writeFileSync(
    cfg,
    JSON.stringify({
      listen: { host: '127.0.0.1', port },
      ...(v.noAdmin ? {} : { admin: { listen: { host: '127.0.0.1', port: 0 } } }),
      backends: [{ name: 'local', kind: 'openai', url: `http://127.0.0.1:${upPort}`, maxConcurrent: 256 }],
      auth: { keys: [{ name: 'bench', hash: hashKey(KEY) }] },
      log: { level: 'info', requests: v.requests ?? true },
    }),
  );
  const fd = openSync(v.devnull ? '/dev/null' : join(tmp, `gw${i}.log`), 'w');
  const p = spawn(
    'nice',
    ['-n', '-10', 'taskset', '-c', '0', process.execPath, ...flags, ...entry(v), '--config', cfg],
    { stdio: ['ignore', fd, fd], env: { ...process.env, NODE_ENV: 'production' } },
  );
  gws.push({ name: v.name ?? (flags.join(' ') || '(none)'), port, p });
}
const lg = spawnPinned(
  -10,
  1,
  process.execPath,
  ['--import', 'tsx', join(root, 'bench/gateway/loadgen.ts')],
  'inherit',
);
await new Promise<void>((r) => lg.once('message', () => r()));
await waitHttp(upPort, '/health');
await waitHttp(flPort, '/');
for (const g of gws) await waitHttp(g.port, '/readyz');
const body = JSON.stringify({
  model: 'bench-model',
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
  max_tokens: 16,
});
const phase = (port: number, auth: boolean, rate: number, ms: number) =>
  new Promise<PhaseResult>((r) => {
    lg.once('message', (m) => r(m as PhaseResult));
    lg.send({
      port,
      path: '/v1/chat/completions',
      headers: auth ? { authorization: `Bearer ${KEY}` } : {},
      body,
      stream: false,
      rate,
      durationMs: ms,
    } satisfies PhaseSpec);
  });
const targets = [
  { name: 'direct', port: upPort, auth: false, pid: up.pid! },
  { name: 'floor', port: flPort, auth: false, pid: floor.pid! },
  ...gws.map((g) => ({ name: g.name, port: g.port, auth: true, pid: g.p.pid! })),
];
for (const t of targets)
  await phase(t.port, t.auth, Number(process.env.WARM_RATE ?? 300), Number(process.env.WARM_MS ?? 2000));
const idle = gws.map((g) => rssMb(g.p.pid!).rss);
const res: Record<string, { p50: number[]; p99: number[]; cpu: number; n: number }> = {};
for (const t of targets) res[t.name] = { p50: [], p99: [], cpu: 0, n: 0 };
for (let i = 0; i < ROUNDS; i++)
  for (const t of targets) {
    const c0 = cpuMs(t.pid);
    const r = await phase(t.port, t.auth, RATE, 1000);
    res[t.name]!.cpu += cpuMs(t.pid) - c0;
    res[t.name]!.n += r.ok;
    res[t.name]!.p50.push(r.latency.p50);
    res[t.name]!.p99.push(r.latency.p99);
  }
const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const d = res.direct!;
for (const t of targets) {
  const x = res[t.name]!;
  const a50 = med(x.p50.map((v, i) => v - d.p50[i]!)) / 1000,
    a99 = med(x.p99.map((v, i) => v - d.p99[i]!)) / 1000;
  console.log(
    `${t.name.padEnd(40)} added p50 ${a50.toFixed(3)} p99 ${a99.toFixed(3)} | raw p99s ${x.p99.map((v) => (v / 1000).toFixed(2)).join(' ')} | cpu µs/req ${((x.cpu / x.n) * 1000).toFixed(0)}`,
  );
}
// "idle" is taken after the warm-up here, unlike bench/gateway.ts.
for (const [i, g] of gws.entries())
  console.log(`${g.name}: rss idle ${idle[i]!.toFixed(0)} MB, peak ${rssMb(g.p.pid!).peak.toFixed(0)} MB`);
await Promise.all([stop(up), stop(floor), stop(lg), ...gws.map((g) => stop(g.p))]);
console.log(`logs (gateway stderr, --trace-gc output) in ${tmp}`);
