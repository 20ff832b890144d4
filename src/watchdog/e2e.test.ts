// End to end in network namespaces: the real CLI in one namespace, a target in another, a Shelly test plug
// on the LAN that cuts the target's link. Every address exists only inside namespaces this test creates.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, needTool, strictTools } from '../../test/support/tools.ts';
import { createTopology, type Topology } from './testing/topology.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const here = (f: string) => join(root, 'src/watchdog/testing', f);
const canRun =
  needTool('ip', 'apt-get install iproute2') &&
  needTool('ping', 'apt-get install iputils-ping') &&
  (isRoot() || rootSkip());

function rootSkip(): boolean {
  if (strictTools)
    throw new Error(
      'watchdog e2e needs root (network namespaces); BEELAB_STRICT_TOOLS=1 makes this a failure',
    );
  process.stderr.write('skip: watchdog e2e needs root for network namespaces\n');
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

interface Proc {
  proc: ResultPromise;
  lines: string[];
}

const procs: Proc[] = [];

function spawn(argv: string[]): Proc {
  const proc = execa(argv[0]!, argv.slice(1), { cwd: root, reject: false, stdin: 'ignore', buffer: false });
  const p: Proc = { proc, lines: [] };
  let rest = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    p.lines.push(...parts);
  });
  proc.stderr?.on('data', (chunk: Buffer) => p.lines.push(`stderr: ${chunk.toString().trim()}`));
  procs.push(p);
  return p;
}

async function stop(p: Proc): Promise<void> {
  p.proc.kill('SIGTERM');
  const done = await Promise.race([p.proc.then(() => true), sleep(5000).then(() => false)]);
  if (!done) {
    p.proc.kill('SIGKILL');
    await p.proc;
  }
}

const tsx = ['node', '--import', 'tsx'];

describe.skipIf(!canRun)('watchdog end to end (network namespaces)', () => {
  let topo: Topology;
  let dir: string;
  let subnet = 100 + (process.pid % 50);
  let plugLog: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bl-wd-e2e-'));
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) await stop(p);
    await topo?.remove();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Builds the namespaces and starts plug + target; returns helpers for one scenario. */
  async function scene(opts: {
    gen: 1 | 2;
    hangAfterBoot?: boolean;
    bootMs?: number;
    maxCycles?: number;
    bootGrace?: number;
  }) {
    subnet += 1;
    topo = await createTopology(subnet);
    const name = `s${subnet}`;
    plugLog = join(dir, `${name}-plug.jsonl`);
    writeFileSync(plugLog, '');
    const plug = spawn(
      topo.lan.exec([
        ...tsx,
        here('plug-server.ts'),
        '--listen',
        `${topo.gateway}:80`,
        '--link',
        topo.targetPort,
        '--log',
        plugLog,
      ]),
    );
    const target = spawn(
      topo.target.exec([
        ...tsx,
        here('target-machine.ts'),
        '--listen',
        `${topo.targetAddr}:80`,
        '--dev',
        'eth0',
        '--boot-ms',
        String(opts.bootMs ?? 1500),
        ...(opts.hangAfterBoot ? ['--hang-after-boot'] : []),
      ]),
    );
    await waitFor('plug ready', () => plug.lines.includes('ready'), 15_000);
    await waitFor('target serving', () => target.lines.some((l) => l.includes('"serving"')), 15_000);
    const stateFile = join(dir, `${name}-state.json`);
    const config = join(dir, `${name}.yaml`);
    const power =
      opts.gen === 1
        ? `{ type: shelly-gen1, url: "http://${topo.gateway}", channel: 0, hold: 1s }`
        : `{ type: shelly-gen2, url: "http://${topo.gateway}", id: 0, hold: 1s }`;
    writeFileSync(
      config,
      `stateFile: ${stateFile}
selfCheck: { probes: [{ kind: icmp, host: ${topo.gateway} }], timeout: 600ms }
maintenance: { flagFile: ${join(dir, `${name}-maintenance`)} }
alerts: [{ type: webhook, url: "http://${topo.gateway}/hook" }]
logLevel: debug
defaults:
  interval: 1s
  timeout: 600ms
  failAfter: 3
  recoverAfter: 2
  bootGrace: ${opts.bootGrace ?? 2500}ms
  backoff: { initial: 2s, factor: 1, max: 2s }
  maxCycles: ${opts.maxCycles ?? 3}
  window: 1h
  retries: 2
  retryDelay: 200ms
targets:
  - name: box
    probes: [{ kind: http, url: "http://${topo.targetAddr}/health" }]
    power: ${power}
`,
    );
    const startWatchdog = async () => {
      const wd = spawn(topo.watchdog.exec(['node', 'bin/beelab.mjs', 'watchdog', '--config', config]));
      await waitFor('watchdog started', () => wd.lines.some((l) => l.includes('"watchdog started"')), 20_000);
      return wd;
    };
    const plugEntries = () =>
      readFileSync(plugLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { kind: string; url?: string; on?: boolean; body?: string; at: number });
    const offs = () =>
      plugEntries().filter((e) => e.kind === 'request' && /turn=off|on=false/.test(e.url ?? ''));
    const hooks = () =>
      plugEntries()
        .filter((e) => e.kind === 'request' && e.url === '/hook')
        .map((e) => JSON.parse(e.body!) as { type: string; message: string });
    const events = (p: Proc) =>
      p.lines
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; reason?: string; level: string });
    const startupGrace = (opts.bootGrace ?? 2500) + 200;
    return { plug, target, startWatchdog, offs, hooks, events, stateFile, startupGrace };
  }

  it('cycles exactly once after N failures, respects the boot grace, and sees the recovery', async () => {
    // The target boots for 5 s after power returns; the back-off (2 s) is over long before that,
    // so only the 7 s boot grace stands between its failed probes (more than failAfter) and a second cycle.
    const s = await scene({ gen: 1, bootMs: 5000, bootGrace: 7000 });
    const wd = await s.startWatchdog();
    await sleep(s.startupGrace); // past the watchdog's start-up grace, target healthy
    expect(s.offs()).toHaveLength(0);
    s.target.proc.kill('SIGUSR1');
    await waitFor('a power cycle', () => s.offs().length > 0, 10_000);
    await waitFor('recovery', () => s.events(wd).some((e) => e.msg === 'target recovered'), 20_000);
    await sleep(2000);
    // Failed probes were seen after the cycle (the target was still booting), yet no second cycle.
    const log = s.events(wd);
    const cycled = log.findIndex((e) => e.msg === 'power cycled');
    const recovered = log.findIndex((e) => e.msg === 'target recovered');
    const failedDuringGrace = log.slice(cycled, recovered).filter((e) => e.msg === 'probe failed').length;
    expect(failedDuringGrace).toBeGreaterThanOrEqual(3);
    expect(s.offs().map((e) => e.url)).toEqual(['/relay/0?turn=off&timer=1']);
    expect(s.target.lines.filter((l) => l.includes('power-off'))).toHaveLength(1);
    expect(s.hooks().map((h) => h.type)).toEqual(['failed', 'cycle', 'recovered']);
    const state = JSON.parse(readFileSync(s.stateFile, 'utf8'));
    expect(state.targets.box).toMatchObject({ phase: 'healthy', incidentCycles: 0 });
    expect(state.targets.box.cycles).toHaveLength(1);
  }, 45_000);

  it('respects the cap: a target that stays hung gets maxCycles cycles, then a give-up alert and no more', async () => {
    const s = await scene({ gen: 2, hangAfterBoot: true, bootMs: 300, maxCycles: 2 });
    const wd = await s.startWatchdog();
    await sleep(s.startupGrace);
    s.target.proc.kill('SIGUSR1');
    await waitFor('give-up', () => s.events(wd).some((e) => e.msg.startsWith('GIVING UP on box')), 30_000);
    await sleep(2000);
    expect(s.offs().map((e) => e.url)).toEqual([
      '/rpc/Switch.Set?id=0&on=false&toggle_after=1',
      '/rpc/Switch.Set?id=0&on=false&toggle_after=1',
    ]);
    const [first, second] = s.offs();
    // Back-off (2 s) after the first cycle's hold (1 s), plus the boot grace, separate the two.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(3000);
    expect(s.hooks().map((h) => h.type)).toEqual(['failed', 'cycle', 'cycle', 'gave-up']);
    expect(JSON.parse(readFileSync(s.stateFile, 'utf8')).targets.box.phase).toBe('gave-up');
  }, 45_000);

  it('takes no action while its own link is down, and acts once the link is back', async () => {
    const s = await scene({ gen: 1 });
    const wd = await s.startWatchdog();
    await sleep(s.startupGrace);
    await topo.lan.ip('link', 'set', topo.watchdogPort, 'down');
    s.target.proc.kill('SIGUSR1');
    await waitFor('held back', () => s.events(wd).some((e) => e.reason === 'self-link-down'), 10_000);
    await sleep(2000);
    expect(s.offs()).toHaveLength(0);
    expect(s.target.lines.filter((l) => l.includes('power-off'))).toHaveLength(0);
    await topo.lan.ip('link', 'set', topo.watchdogPort, 'up');
    await waitFor('a power cycle after the link returned', () => s.offs().length > 0, 10_000);
    await waitFor('recovery', () => s.events(wd).some((e) => e.msg === 'target recovered'), 15_000);
    expect(s.offs()).toHaveLength(1);
    expect(existsSync(s.stateFile)).toBe(true);
  }, 45_000);

  it('a flapping own link (4.5 s down, 0.7 s up) never cycles a healthy target; the link state recovers', async () => {
    const s = await scene({ gen: 1 });
    const wd = await s.startWatchdog();
    await sleep(s.startupGrace);
    const until = Date.now() + 26_000;
    while (Date.now() < until) {
      await topo.lan.ip('link', 'set', topo.watchdogPort, 'down');
      await sleep(4500);
      await topo.lan.ip('link', 'set', topo.watchdogPort, 'up');
      await sleep(700);
    }
    await sleep(3000);
    const log = s.events(wd);
    // The flaps were seen (failures held back), and none of them counted.
    expect(log.filter((e) => e.msg === 'probe failed').length).toBeGreaterThan(3);
    expect(log.some((e) => e.reason === 'self-link-down')).toBe(true);
    expect(log.filter((e) => e.msg === 'target down')).toEqual([]);
    expect(s.offs()).toHaveLength(0);
    expect(s.hooks()).toEqual([]);
    // The own link is back, and says so.
    const linkEvents = log.filter((e) => e.msg.startsWith('own link down') || e.msg === 'own link back');
    expect(linkEvents.length).toBeGreaterThan(1);
    expect(linkEvents.at(-1)!.msg).toBe('own link back');
    // And the watchdog still does its job: a real hang is cycled once.
    s.target.proc.kill('SIGUSR1');
    await waitFor('a power cycle', () => s.offs().length > 0, 15_000);
    expect(s.offs()).toHaveLength(1);
  }, 90_000);
});
