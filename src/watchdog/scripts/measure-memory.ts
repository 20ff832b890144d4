// Measures the watchdog's resident memory as the Pi runs it (bundle + unit flags) against loopback targets,
// including a target that fails and is power-cycled through a fake Shelly plug. Usage:
//   npx tsx src/watchdog/scripts/measure-memory.ts [seconds=60] [--cli | --no-flags] [options]
//   --cli                 the tsx CLI, for comparison
//   --no-flags            the bundle without the unit's node flags and environment
//   --bundle=FILE         a bundle built elsewhere (e.g. from an older commit) instead of building this tree's
//   --flags="..."         node flags instead of the unit's NODE_FLAGS (experiments)
//   --node-options="..."  NODE_OPTIONS instead of the unit's (experiments)
//   --env=NAME=VALUE      one more environment variable for the watchdog (repeatable; experiments)
//   --heap                also sample process.memoryUsage() inside the watchdog (a preload; adds a little)
//   --json                one JSON line instead of the text summary
// Steady state is the median of the samples after the first 30 s (start-up and the first cycle excluded).
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { bundleWatchdog } from '../bundle.ts';
import { NODE_FLAGS, UNIT_ENVIRONMENT } from '../systemd-unit.ts';
import { createFakePlug } from '../testing/fake-plug.ts';

const opt = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? undefined;
const seconds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 60);
const viaCli = process.argv.includes('--cli');
const noFlags = process.argv.includes('--no-flags');
const heap = process.argv.includes('--heap');
const json = process.argv.includes('--json');
const flags = opt('flags') ?? NODE_FLAGS;
const nodeOptions = opt('node-options') ?? UNIT_ENVIRONMENT.NODE_OPTIONS!;
const extraEnv = Object.fromEntries(
  process.argv
    .filter((a) => a.startsWith('--env='))
    .map((a) => {
      const kv = a.slice(6);
      return [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)];
    }),
);
const root = resolve(fileURLToPath(import.meta.url), '../../../..');
const dir = await mkdtemp(join(tmpdir(), 'bl-wd-mem-'));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadBefore = load();

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

// With --heap, a preload appends the watchdog's own view of its memory to a file every 5 s.
const heapFile = join(dir, 'heap.jsonl');
const preload = `data:text/javascript,${encodeURIComponent(
  `import { appendFileSync } from 'node:fs'; setInterval(() => appendFileSync(${JSON.stringify(heapFile)}, JSON.stringify(process.memoryUsage()) + '\\n'), 5000).unref();`,
)}`;

let argv: string[];
let env: Record<string, string> = {};
let what: string;
if (viaCli) {
  argv = ['node', join(root, 'bin/beelab.mjs'), 'watchdog', '--config', config];
  what = 'tsx CLI';
} else {
  const bundle = opt('bundle') ?? join(dir, 'beelab-watchdog.mjs');
  if (!opt('bundle')) await bundleWatchdog(bundle);
  const flagList = noFlags ? [] : flags.split(' ').filter(Boolean);
  if (heap) flagList.push(`--import=${preload}`);
  argv = ['node', ...flagList, bundle, '--config', config];
  if (!noFlags) env = { ...UNIT_ENVIRONMENT, NODE_OPTIONS: nodeOptions };
  what = `bundle${opt('bundle') ? ` ${opt('bundle')}` : ''}, ${noFlags ? 'no node flags' : `node ${flags}, NODE_OPTIONS="${nodeOptions}"`}`;
}
env = { ...env, ...extraEnv };
if (Object.keys(extraEnv).length > 0)
  what += `, ${Object.entries(extraEnv)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`;
const child = execa(argv[0]!, argv.slice(1), { env, reject: false, stdin: 'ignore' });
const status = (field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
const samples: number[] = [];
let anonKb = 0;
let fileKb = 0;
for (let i = 0; i < seconds * 2; i++) {
  await new Promise((r) => setTimeout(r, 500));
  samples.push(status('VmRSS'));
  if (i === seconds * 2 - 1) {
    anonKb = status('RssAnon');
    fileKb = status('RssFile') + status('RssShmem');
  }
}
child.kill('SIGTERM');
const result = await child;
clearInterval(breaker);
await plug.close();
app.close();
const heapSamples = heap
  ? readFileSync(heapFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as NodeJS.MemoryUsage)
  : [];
await rm(dir, { recursive: true, force: true });

const cycles = (result.stdout as string).split('\n').filter((l) => l.includes('"power cycled"')).length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
};
const steadySamples = samples.slice(Math.min(60, Math.floor(samples.length / 2)));
const mb = (kb: number) => Number((kb / 1024).toFixed(1));
const out = {
  what,
  node: `${process.version} ${process.arch}`,
  seconds,
  cycles,
  maxMb: mb(Math.max(...samples)),
  steadyMb: mb(median(steadySamples)),
  lastMb: mb(samples.at(-1) ?? 0),
  anonMb: mb(anonKb),
  fileMb: mb(fileKb),
  ...(heap && heapSamples.length > 0
    ? {
        heapUsedMb: mb(median(heapSamples.map((h) => h.heapUsed / 1024))),
        heapTotalMb: mb(median(heapSamples.map((h) => h.heapTotal / 1024))),
        externalMb: mb(median(heapSamples.map((h) => h.external / 1024))),
      }
    : {}),
  load: `${loadBefore} → ${load()}`,
};
if (json) console.log(JSON.stringify(out));
else
  console.log(
    `watchdog (${what}) on Node ${out.node}: max RSS ${out.maxMb} MB, steady ${out.steadyMb} MB (median after 30 s), ` +
      `last ${out.lastMb} MB (anon ${out.anonMb}, file ${out.fileMb})${heap ? `, heap used ${out.heapUsedMb} of ${out.heapTotalMb} MB, external ${out.externalMb} MB` : ''} ` +
      `over ${seconds} s, 5 targets, ${cycles} power cycle(s) done; load ${out.load}`,
  );
process.exit(out.maxMb < 60 || viaCli || noFlags ? 0 : 1);
