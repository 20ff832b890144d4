// Starting the benchmark's processes pinned to cores, waiting for them, and reading their memory.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Pins with taskset (`cpu` undefined: no pinning) at a nice level; both exec, so the pid is node's. */
export function spawnPinned(
  nice: number,
  cpu: number | undefined,
  cmd: string,
  args: string[],
  logFd: number | 'ignore' | 'inherit',
): ChildProcess {
  let [c, a] = cpu === undefined ? [cmd, args] : ['taskset', ['-c', String(cpu), cmd, ...args]];
  if (nice !== 0) [c, a] = ['nice', ['-n', String(nice), c, ...a]];
  return spawn(c, a, {
    stdio: ['ignore', logFd === 'inherit' ? 'inherit' : 'ignore', logFd, 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Polls a GET until it answers 2xx/4xx (the server is up), or throws after `ms`. */
export async function waitHttp(port: number, path: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      await r.arrayBuffer();
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`nothing answered on 127.0.0.1:${port}${path} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resident and peak resident memory of a process, in MB (Linux /proc). */
export function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export function stop(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 3000).unref();
  });
}

/** CPU time (user + system) a process has used so far, in milliseconds (Linux /proc). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]);
  return (ticks * 1000) / CLK_TCK;
}

const CLK_TCK = 100;
