// run-program.ts replaced execa in the watchdog (memory on the Pi): the same results as execa gave, for the
// real Exec of the drivers and for the ICMP probe, on the same programs; and the Pi bundle carries no execa.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { needTool } from '../../test/support/tools.ts';
import { probeIcmp } from '../probe/icmp.ts';
import type { ProbeResult } from '../probe/types.ts';
import { bundleWatchdog } from './bundle.ts';
import { execProgram } from './drivers/exec.ts';
import type { Exec } from './drivers/types.ts';
import { probePing, watchdogProbe } from './probe.ts';
import { runProgram } from './run-program.ts';

/** The watchdog's Exec as it was on execa (drivers/exec.ts before run-program.ts), the reference. */
const execaExec: Exec = async (file, args, opts) => {
  const res = await execa(file, args, {
    reject: false,
    timeout: opts.timeoutMs,
    stdin: 'ignore',
    env: opts.env,
    forceKillAfterDelay: 2000,
  });
  const stderr = res.timedOut
    ? `timed out after ${opts.timeoutMs} ms`
    : res.failed && res.code === 'ENOENT'
      ? `${file}: not found`
      : res.stderr;
  return { exitCode: res.exitCode ?? -1, stdout: res.stdout, stderr };
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bl-wd-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = (name: string, body: string, mode = 0o755) => {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, mode);
  return file;
};

describe('execProgram gives what execa gave', () => {
  const cases: [string, string, string[], { timeoutMs: number; env?: Record<string, string> }][] = [
    ['exit code, stdout and stderr', 'sh', ['-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 5000 }],
    ['success', 'sh', ['-c', 'echo done'], { timeoutMs: 5000 }],
    [
      'one final newline removed',
      'sh',
      ['-c', "printf 'a\\n\\n'; printf 'b\\r\\n' >&2"],
      { timeoutMs: 5000 },
    ],
    ['no final newline', 'sh', ['-c', "printf 'a'"], { timeoutMs: 5000 }],
    [
      'the environment extended, not replaced',
      'sh',
      ['-c', 'echo "$BEELAB_TARGET"; test -n "$PATH" && echo has-path'],
      { timeoutMs: 5000, env: { BEELAB_TARGET: 'pve1' } },
    ],
    ['stdin closed', 'sh', ['-c', 'cat; echo "eof $?"'], { timeoutMs: 5000 }],
    ['not found', 'beelab-no-such-program', [], { timeoutMs: 5000 }],
    ['killed by a signal', 'sh', ['-c', 'kill -9 $$'], { timeoutMs: 5000 }],
    ['deadline', 'sleep', ['5'], { timeoutMs: 200 }],
    ['non-UTF-8 output', 'sh', ['-c', "printf '\\377ok'"], { timeoutMs: 5000 }],
  ];
  it.each(cases)('%s', async (_name, file, args, opts) => {
    const [want, got] = await Promise.all([execaExec(file, args, opts), execProgram(file, args, opts)]);
    expect(got).toEqual(want);
  });

  it('a file that is not executable', async () => {
    const file = script('not-executable', 'exit 0', 0o644);
    expect(await execProgram(file, [], { timeoutMs: 5000 })).toEqual(
      await execaExec(file, [], { timeoutMs: 5000 }),
    );
  });

  it('a program that ignores SIGTERM is killed 2 s after its deadline, as before', async () => {
    const args = ['-c', 'trap "" TERM; exec sleep 10'];
    const started = performance.now();
    const [want, got] = await Promise.all([
      execaExec('sh', args, { timeoutMs: 200 }),
      execProgram('sh', args, { timeoutMs: 200 }),
    ]);
    expect(got).toEqual(want);
    expect(got.stderr).toBe('timed out after 200 ms');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('keeps at most 1 MiB of output per stream', async () => {
    const res = await runProgram('sh', ['-c', 'head -c 3000000 /dev/zero | tr "\\0" x'], {
      timeoutMs: 10_000,
    });
    expect(res.exitCode).toBe(0);
    expect(res.stdout.length).toBe(1024 * 1024);
  });
});

describe('the ICMP probe gives what src/probe (execa) gave', () => {
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  /** Runs both probes with `ping` replaced by a script; compares what the engine reads (state and detail). */
  const both = async (body: string | undefined, timeoutMs = 1000) => {
    const bin = mkdtempSync(join(dir, 'bin-'));
    if (body !== undefined) {
      writeFileSync(join(bin, 'ping'), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, 'ping'), 0o755);
    }
    // Without a script, PATH is the empty dir alone: no ping at all.
    process.env.PATH = body === undefined ? bin : `${bin}:${savedPath}`;
    const spec = { kind: 'icmp' as const, host: '10.0.0.9' };
    const [want, got] = await Promise.all([probeIcmp(spec, { timeoutMs }), probePing(spec, { timeoutMs })]);
    const strip = (r: ProbeResult) => ({ state: r.state, detail: r.detail });
    return { want: strip(want), got: strip(got), ms: got.ms };
  };

  it.each([
    [
      'a reply with its round trip',
      "echo '1 packets transmitted, 1 received'; echo 'rtt min/avg/max/mdev = 0.045/0.045/0.045/0.000 ms'",
    ],
    ['a reply without a summary', 'exit 0'],
    ['no reply', 'exit 1'],
    ['an error line', "echo 'ping: beelab.invalid: Name or service not known' >&2; exit 2"],
    ['the argv', 'echo "$@" >&2; exit 2'],
    ['LC_ALL=C', 'echo "LC_ALL=$LC_ALL" >&2; exit 2'],
    ['blank stderr lines skipped', "printf '\\n  \\nping: connect: Network is unreachable\\n' >&2; exit 2"],
  ])('%s', async (_name, body) => {
    const { want, got } = await both(body);
    expect(got).toEqual(want);
  });

  it('a ping that outlives its deadline: timeout', async () => {
    const { want, got, ms } = await both('exec sleep 5', 100);
    expect(got).toEqual(want);
    expect(got.detail).toBe('timeout');
    expect(ms).toBeLessThan(3000);
  });

  it('no ping installed', async () => {
    const { want, got } = await both(undefined);
    expect(got).toEqual(want);
    expect(got.detail).toMatch(/^ping not installed/);
  });

  it.skipIf(!needTool('ping', 'apt-get install iputils-ping'))(
    'the real ping on loopback: up with the round trip',
    async () => {
      const r = await watchdogProbe({ kind: 'icmp', host: '127.0.0.1' }, { timeoutMs: 1000 });
      expect(r.state).toBe('up');
      expect(r.detail).toMatch(/^rtt [\d.]+ ms$/);
    },
  );
});

describe('the Pi bundle', () => {
  it('runs programs without execa and carries no bundler', async () => {
    const out = join(dir, 'beelab-watchdog.mjs');
    await bundleWatchdog(out);
    const text = readFileSync(out, 'utf8');
    // An option name only execa's code spells; the esbuild API names its own binary.
    expect(text).not.toContain('forceKillAfterDelay');
    expect(text).not.toContain('ESBUILD_BINARY_PATH');
  });
});
