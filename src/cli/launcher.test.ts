// End to end: `npx beelab gateway` (and `status --watch`) stop when npx is stopped, leaving no process
// behind and the port free. npx starts `sh -c` which starts node; only npx is signalled here.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startedByPackageRunner } from './launcher.ts';

const root = resolve(import.meta.dirname, '../..');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const freePort = () =>
  new Promise<number>((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });

const portIsFree = (port: number) =>
  new Promise<boolean>((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Every process below `pid` (Linux /proc). */
async function descendants(pid: number): Promise<number[]> {
  const parent = new Map<number, number>();
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const stat = await readFile(`/proc/${d}/stat`, 'utf8').catch(() => '');
    if (stat) parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [c, pp] of parent)
      if (pp === p) {
        out.push(c);
        walk(c);
      }
  };
  walk(pid);
  return out;
}

const waitFor = async (cond: () => boolean | Promise<boolean>, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Starts `npx beelab …` in the repository and waits until `ready(stderr)` is true. */
async function startNpx(
  args: string[],
  ready: (out: string) => boolean,
): Promise<{ npx: ChildProcess; out: () => string; below: number[] }> {
  const npx = spawn('npx', ['--no-install', 'beelab', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npx.stdout!.on('data', (c: Buffer) => (out += c));
  npx.stderr!.on('data', (c: Buffer) => (out += c));
  cleanups.push(async () => {
    for (const p of await descendants(npx.pid!)) if (alive(p)) process.kill(p, 'SIGKILL');
    if (npx.exitCode === null && npx.signalCode === null) npx.kill('SIGKILL');
  });
  await waitFor(() => ready(out), 60_000, `npx beelab ${args[0]} to start (output: ${out.slice(-500)})`);
  // Recorded now: once npx is gone, an orphan is no longer below it.
  const below = await descendants(npx.pid!);
  cleanups.push(async () => {
    for (const p of below) if (alive(p)) process.kill(p, 'SIGKILL');
  });
  return { npx, out: () => out, below };
}

async function gatewayConfig(dir: string, port: number, adminPort: number): Promise<string> {
  const file = join(dir, 'gateway.yaml');
  await writeFile(
    file,
    [
      `listen: { host: 127.0.0.1, port: ${port} }`,
      `admin: { listen: { host: 127.0.0.1, port: ${adminPort} } }`,
      'backends: [{ name: a, kind: openai, url: "http://127.0.0.1:9", models: [m], discover: false }]',
      'auth: { required: false }',
      '',
    ].join('\n'),
  );
  return file;
}

describe('a long-running command started by npx', () => {
  it('knows when a package runner started it', () => {
    expect(startedByPackageRunner({ npm_lifecycle_event: 'npx', npm_command: 'exec' })).toBe(true);
    expect(startedByPackageRunner({ PATH: '/usr/bin' })).toBe(false);
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'gateway: %s to npx stops the real process, which drains and exits; the ports are free',
    async (signal) => {
      const dir = await mkdtemp(join(tmpdir(), 'beelab-npx-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const [port, adminPort] = [await freePort(), await freePort()];
      const config = await gatewayConfig(dir, port, adminPort);
      const { npx, out, below } = await startNpx(['gateway', '--config', config], (o) =>
        o.includes('"gateway listening"'),
      );
      // npm's `sh -c`, node, and tsx's esbuild service.
      expect(below.length).toBeGreaterThanOrEqual(2);
      expect(await portIsFree(port)).toBe(false);
      const npxExit = new Promise((r) => npx.once('exit', (code, sig) => r(code ?? sig)));
      npx.kill(signal);
      await npxExit;
      await waitFor(async () => below.every((p) => !alive(p)), 10_000, 'every process below npx to exit');
      expect(await portIsFree(port)).toBe(true);
      expect(await portIsFree(adminPort)).toBe(true);
      // It went through the gateway's own graceful stop.
      expect(out()).toContain('"signal received, draining","signal":"SIGTERM"');
      expect(out()).toContain('"gateway stopped"');
    },
    90_000,
  );

  it('status --watch: SIGTERM to npx stops it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beelab-npx-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const listener = createServer((s) => s.destroy());
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => listener.close(() => r())));
    const targets = join(dir, 'targets.yaml');
    const lport = (listener.address() as { port: number }).port;
    await writeFile(targets, `- { name: here, kind: tcp, host: 127.0.0.1, port: ${lport} }\n`);
    const { npx, out, below } = await startNpx(
      ['status', '--targets', targets, '--watch', '--interval', '1s', '--json'],
      (o) => o.includes('"here"'),
    );
    expect(below.length).toBeGreaterThan(0);
    npx.kill('SIGTERM');
    await waitFor(
      async () => below.every((p) => !alive(p)),
      10_000,
      `status --watch to exit (${out().slice(-300)})`,
    );
  }, 90_000);
});
