// Measures the watchdog's resident memory as the Pi runs it (bundle + unit flags) against loopback targets,
// including a target that fails and is power-cycled through a fake Shelly plug. Usage:
//   npx tsx src/watchdog/scripts/measure-memory.ts [seconds=60] [--cli | --no-flags]
//   (--cli: the tsx CLI, for comparison; --no-flags: the bundle without the unit's node flags and NODE_OPTIONS)
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { bundleWatchdog } from '../bundle.ts';
import { NODE_FLAGS, NODE_OPTIONS } from '../systemd-unit.ts';
import { createFakePlug } from '../testing/fake-plug.ts';

const seconds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 60);
const viaCli = process.argv.includes('--cli');
const noFlags = process.argv.includes('--no-flags');
const root = resolve(fileURLToPath(import.meta.url), '../../../..');
const dir = await mkdtemp(join(tmpdir(), 'bl-wd-mem-'));

const listen = (server: http.Server) =>
  new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));

// "flaky" breaks every 15 s and is fixed by a power cycle, so drivers, alerts and state writes all run.
let flakyBroken = false;
const breaker = setInterval(() => {
  flakyBroken = true;
}, 15_000);
const plug = createFakePlug({
  onPower: (on) => {
    if (on) flakyBroken = false;
  },
});
const plugPort = await listen(plug.server);
const app = http.createServer((req, res) => {
  if (req.url === '/flaky' && flakyBroken) return void res.writeHead(500).end();
  res.writeHead(200).end('ok');
});
const appPort = await listen(app);

const config = join(dir, 'watchdog.yaml');
const plugUrl = `http://127.0.0.1:${plugPort}`;
writeFileSync(
  config,
  `stateFile: ${join(dir, 'state.json')}
selfCheck: { probes: [{ kind: icmp, host: 127.0.0.1 }] }
maintenance: { flagFile: ${join(dir, 'maintenance')} }
alerts: [{ type: webhook, url: "${plugUrl}/hook" }, { type: ntfy, url: "${plugUrl}/hook/ntfy" }]
metrics: { listen: "127.0.0.1:0" }
defaults: { interval: 1s, timeout: 500ms, failAfter: 2, recoverAfter: 2, bootGrace: 2s, backoff: { initial: 5s } }
targets:
  - { name: flaky, probes: [{ kind: http, url: "http://127.0.0.1:${appPort}/flaky" }], power: { type: shelly-gen1, url: "${plugUrl}", hold: 1s } }
  - { name: icmp, probes: [{ kind: icmp, host: 127.0.0.1 }], power: { type: shelly-gen2, url: "${plugUrl}" } }
  - { name: tcp, probes: [{ kind: tcp, host: 127.0.0.1, port: ${appPort} }], power: { type: tasmota, url: "${plugUrl}" } }
  - { name: web, probes: [{ kind: http, url: "http://127.0.0.1:${appPort}/" }], power: { type: pikvm, url: "${plugUrl}" } }
  - { name: both, probes: [{ kind: icmp, host: 127.0.0.1 }, { kind: tcp, host: 127.0.0.1, port: ${appPort} }], healthyWhen: any }
`,
);

let argv: string[];
let env: Record<string, string> = {};
if (viaCli) {
  argv = ['node', join(root, 'bin/beelab.mjs'), 'watchdog', '--config', config];
} else {
  const bundle = join(dir, 'beelab-watchdog.mjs');
  await bundleWatchdog(bundle);
  if (noFlags) argv = ['node', bundle, '--config', config];
  else {
    argv = ['node', ...NODE_FLAGS.split(' '), bundle, '--config', config];
    env = { NODE_OPTIONS, UV_THREADPOOL_SIZE: '2' };
  }
}
const child = execa(argv[0]!, argv.slice(1), { env, reject: false, stdin: 'ignore' });
let maxKb = 0;
let lastKb = 0;
const samples: number[] = [];
for (let i = 0; i < seconds * 2; i++) {
  await new Promise((r) => setTimeout(r, 500));
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
  lastKb = kb;
  samples.push(kb);
  maxKb = Math.max(maxKb, kb);
}
child.kill('SIGTERM');
const result = await child;
clearInterval(breaker);
await plug.close();
app.close();
await rm(dir, { recursive: true, force: true });

const cycles = (result.stdout as string).split('\n').filter((l) => l.includes('"power cycled"')).length;
const mb = (kb: number) => (kb / 1024).toFixed(1);
console.log(
  `watchdog ${viaCli ? '(tsx CLI)' : noFlags ? '(bundle, no node flags)' : `(bundle, node ${NODE_FLAGS}, NODE_OPTIONS="${NODE_OPTIONS}")`} on Node ${process.version} ${process.arch}: ` +
    `max RSS ${mb(maxKb)} MB, last ${mb(lastKb)} MB over ${seconds} s, 5 targets, ${cycles} power cycle(s) done`,
);
process.exit(maxKb / 1024 < 60 || viaCli || noFlags ? 0 : 1);
