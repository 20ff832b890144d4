// Test helper: a real daemon (Alertmanager, an exporter) on a free loopback port, ready when its URL answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Waits until `url` answers 2xx (10 s at most). */
export async function waitReady(url: string, what = url): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready at ${url}`);
}

/** Starts `command args` (output discarded) and waits for `readyUrl`; end it with `await stop()`. */
export async function startDaemon(
  command: string,
  args: readonly string[],
  readyUrl: string,
): Promise<{ process: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(command, args, { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  /** Ends it and waits until it has exited (it may still write to its data directory until then). */
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
  };
  try {
    await waitReady(readyUrl, command);
  } catch (err) {
    await stop();
    throw err;
  }
  return { process: child, stop };
}
