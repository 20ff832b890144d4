// Benchmark: `beelab status`'s engine over 1,000 targets, 10% unreachable, inside a namespace made for it.
// Reachable targets are loopback listeners; unreachable ones sit behind a veth with nobody on the other end,
// so their packets get no answer and each check runs into its deadline. Nothing leaves the namespace.
// Run as root: npm run bench:status
import http from 'node:http';
import net from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createNetns } from '../src/probe/netns.ts';
import { checkAll, summarize } from '../src/status/engine.ts';
import type { StatusTarget } from '../src/status/types.ts';

const TIMEOUT_MS = 1000;
const CONCURRENCY = 128;
const BLACKHOLE = '10.250.200';

async function outer(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('bench:status needs root (it creates a network namespace)');
    process.exit(2);
  }
  const ns = await createNetns('bench');
  try {
    await ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    await ns.ip('addr', 'add', `${BLACKHOLE}.1/24`, 'dev', 'va');
    await ns.ip('link', 'set', 'va', 'up');
    await ns.ip('link', 'set', 'vb', 'up');
    const argv = ns.exec([process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), '--inner']);
    const res = await execa(argv[0]!, argv.slice(1), { stdio: 'inherit', reject: false });
    process.exitCode = res.exitCode ?? 1;
  } finally {
    await ns.remove();
  }
}

function listen(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** The reachable fleet, in its own process (as remote services would be): prints its targets as JSON. */
async function fleet(): Promise<void> {
  const targets: StatusTarget[] = [];
  // 450 TCP listeners spread over 127.0.0.1-127.0.0.10.
  for (let i = 0; i < 450; i++) {
    const host = `127.0.0.${1 + (i % 10)}`;
    const server = net.createServer((s) => s.destroy());
    targets.push({ name: `tcp-${i}`, probe: { kind: 'tcp', host, port: await listen(server, host) } });
  }
  // 400 health URLs on 20 HTTP servers.
  const bases: string[] = [];
  for (let i = 0; i < 20; i++) {
    const host = `127.0.1.${1 + i}`;
    const server = http.createServer((req, res) =>
      res.writeHead(req.url?.endsWith('/health') ? 200 : 404).end(),
    );
    bases.push(`http://${host}:${await listen(server, host)}`);
  }
  for (let i = 0; i < 400; i++)
    targets.push({ name: `http-${i}`, probe: { kind: 'http', url: `${bases[i % 20]}/svc${i}/health` } });
  process.stdout.write(`${JSON.stringify(targets)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

async function inner(): Promise<void> {
  const child = execa(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--fleet'], {
    stdin: 'pipe',
    buffer: false,
  });
  const targets: StatusTarget[] = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (c: Buffer) => {
      text += c;
      if (text.includes('\n')) resolve(JSON.parse(text));
    });
    child.catch(reject);
  });
  // 50 pings on loopback.
  for (let i = 0; i < 50; i++)
    targets.push({ name: `icmp-${i}`, probe: { kind: 'icmp', host: `127.0.2.${1 + i}` } });
  // 100 unreachable: 40 TCP, 40 HTTP, 20 ICMP into the blackhole.
  for (let i = 0; i < 40; i++)
    targets.push({ name: `dead-tcp-${i}`, probe: { kind: 'tcp', host: `${BLACKHOLE}.${10 + i}`, port: 22 } });
  for (let i = 0; i < 40; i++)
    targets.push({
      name: `dead-http-${i}`,
      probe: { kind: 'http', url: `http://${BLACKHOLE}.${60 + i}/health` },
    });
  for (let i = 0; i < 20; i++)
    targets.push({ name: `dead-icmp-${i}`, probe: { kind: 'icmp', host: `${BLACKHOLE}.${110 + i}` } });
  // Interleave so unreachable targets are spread through the run rather than bunched at the end.
  targets.sort((a, b) => hash(a.name) - hash(b.name));

  let worst = 0;
  let failed = false;
  for (let run = 1; run <= 3; run++) {
    const started = performance.now();
    const results = await checkAll(targets, { concurrency: CONCURRENCY, timeoutMs: TIMEOUT_MS });
    const seconds = (performance.now() - started) / 1000;
    worst = Math.max(worst, seconds);
    const s = summarize(results);
    const wrong = results.filter((r) => (r.state === 'down') !== r.target.name.startsWith('dead-'));
    console.log(
      `run ${run}: ${targets.length} targets (450 tcp, 400 http, 50 icmp; 100 unreachable) in ${seconds.toFixed(2)} s: ` +
        `${s.up} up, ${s.down} down (timeout ${TIMEOUT_MS} ms, concurrency ${CONCURRENCY})`,
    );
    if (wrong.length > 0) {
      failed = true;
      console.log(
        `  unexpected: ${wrong
          .slice(0, 5)
          .map((r) => `${r.target.name} ${r.state} ${r.detail}`)
          .join('; ')}`,
      );
    }
  }
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `slowest of 3 runs: ${worst.toFixed(2)} s (target: under 3 s); machine load average ${load} on 2 cores`,
  );
  child.stdin!.end();
  await child.catch(() => {});
  process.exit(failed || worst >= 3 ? 1 : 0);
}

function hash(s: string): number {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

if (process.argv.includes('--fleet')) await fleet();
else if (process.argv.includes('--inner')) await inner();
else await outer();
