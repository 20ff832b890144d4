// Runs one program for the watchdog (ping per ICMP probe, gpioset, command drivers) on node:child_process.
// It keeps the semantics the watchdog had with execa (no shell, stdin closed, the environment extended,
// SIGTERM at the deadline then SIGKILL, output without its final newline, children killed when the watchdog
// exits) without execa's ~80 KB of modules and its per-call streams and promises: on the Pi the watchdog
// spawns a process every probe, and this is what kept its resident memory over budget (docs/benchmarks.md).
import { type ChildProcess, spawn } from 'node:child_process';

export interface ProgramOptions {
  /** SIGTERM after this long (then SIGKILL after `forceKillAfterMs`); 0 = no deadline. */
  timeoutMs: number;
  /** Added to the watchdog's own environment. */
  env?: Record<string, string>;
  /** Wait after the SIGTERM of a deadline before SIGKILL; default 5000 (execa's default). */
  forceKillAfterMs?: number;
}

export interface ProgramResult {
  /** The exit code; undefined when the program was killed by a signal or could not be started. */
  exitCode?: number;
  signal?: NodeJS.Signals;
  /** Output as UTF-8, one final newline removed; each stream keeps at most MAX_OUTPUT bytes. */
  stdout: string;
  stderr: string;
  /** The deadline passed and the program was signalled. */
  timedOut: boolean;
  /** The program could not be started (ENOENT: not found, EACCES: not executable). */
  spawnError?: NodeJS.ErrnoException;
}

/** Output kept per stream; ping, gpioset and device CLIs print a few lines. */
export const MAX_OUTPUT = 1024 * 1024;

const running = new Set<ChildProcess>();
let cleanupInstalled = false;

/** Like execa's `cleanup`: programs still running when the watchdog exits are sent SIGTERM. */
function killOnExit(child: ChildProcess): void {
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.on('exit', () => {
      for (const c of running) c.kill();
    });
  }
  running.add(child);
}

export function runProgram(
  file: string,
  args: readonly string[],
  opts: ProgramOptions,
): Promise<ProgramResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
    });
    killOnExit(child);
    const out = collect(child.stdout!);
    const err = collect(child.stderr!);
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    let forceKill: NodeJS.Timeout | undefined;
    const deadline =
      opts.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            if (child.kill('SIGTERM'))
              forceKill = setTimeout(() => child.kill('SIGKILL'), opts.forceKillAfterMs ?? 5000);
          }, opts.timeoutMs)
        : undefined;
    // Emitted when the program cannot be started; 'close' still follows.
    child.once('error', (e: NodeJS.ErrnoException) => {
      spawnError ??= e;
    });
    child.once('close', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(forceKill);
      running.delete(child);
      const started = child.pid !== undefined;
      resolve({
        ...(started && code !== null ? { exitCode: code } : {}),
        ...(signal ? { signal } : {}),
        stdout: out(),
        stderr: err(),
        timedOut,
        ...(!started && spawnError ? { spawnError } : {}),
      });
    });
  });
}

/** Buffers a stream up to MAX_OUTPUT; returns a function giving the text with one final newline removed. */
function collect(stream: NodeJS.ReadableStream): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size >= MAX_OUTPUT) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  return () => {
    const text = Buffer.concat(chunks).subarray(0, MAX_OUTPUT).toString('utf8');
    return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  };
}
