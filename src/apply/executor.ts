// Executors: how a step's `run` and `verify` become real processes, HTTP requests and operator prompts.
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { execa } from 'execa';
import {
  describeExecutor,
  describeVerify,
  type Executor,
  executorArgv,
  type Step,
  secretEnvName,
  type Verify,
} from '../layers/step.ts';

/** Where a step's output goes (its log file). */
export interface LogSink {
  write(text: string): void;
}

export interface StepRun {
  step: Step;
  /** The site directory: every process's working directory. */
  dir: string;
  log: LogSink;
  /** Added to the environment: the paths of decrypted secrets. */
  env: Record<string, string>;
  /** Aborted when the operator asks to abort running steps (second Ctrl-C, or SIGTERM twice). */
  signal: AbortSignal;
  /** Asks the operator whether a manual action is done; false = it failed or was declined. */
  confirm: (step: Step, run: Extract<Executor, { kind: 'manual' }>) => Promise<boolean>;
}

export interface StepOutcome {
  ok: boolean;
  /** Exit status of the process, when there was one. */
  exitCode: number | null;
  /** Why it failed, in one line. */
  error?: string;
}

export interface StepExecutor {
  /** Shown in the journal's `executor` field next to the step's kind, e.g. `process` or `simulated`. */
  readonly name: string;
  run(r: StepRun): Promise<StepOutcome>;
}

/** After SIGTERM, how long a step's processes get before SIGKILL. */
const KILL_GRACE_MS = 5000;

/** Runs argv in its own process group (a terminal's Ctrl-C reaches Beelab, not the step), output to the log. */
async function runProcess(argv: string[], r: StepRun): Promise<StepOutcome> {
  const child = execa(argv[0]!, argv.slice(1), {
    cwd: r.dir,
    env: r.env,
    stdin: 'ignore',
    detached: true,
    reject: false,
    stripFinalNewline: false,
    buffer: false,
  });
  child.stdout?.on('data', (b: Buffer) => r.log.write(b.toString()));
  child.stderr?.on('data', (b: Buffer) => r.log.write(b.toString()));
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    r.log.write(`\n[beelab] aborting: SIGTERM to the step's process group\n`);
    kill('SIGTERM');
    killTimer = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
    killTimer.unref();
  };
  if (r.signal.aborted) onAbort();
  else r.signal.addEventListener('abort', onAbort, { once: true });
  const result = await child;
  r.signal.removeEventListener('abort', onAbort);
  if (killTimer) clearTimeout(killTimer);
  if (result.failed && result.exitCode === undefined) {
    const why = result.signal
      ? `killed by ${result.signal}`
      : String(result.originalMessage || result.shortMessage || 'failed to start').split('\n')[0]!;
    return { ok: false, exitCode: null, error: why };
  }
  const code = result.exitCode ?? null;
  return code === 0 ? { ok: true, exitCode: 0 } : { ok: false, exitCode: code, error: `exit ${code}` };
}

/** Sends a generated file over HTTP(S); 2xx is success. */
async function runHttp(run: Extract<Executor, { kind: 'http' }>, r: StepRun): Promise<StepOutcome> {
  const body = await readFile(`${r.dir}/${run.file}`);
  const headers: Record<string, string> = { ...(run.headers ?? {}), 'content-length': String(body.length) };
  if (run.bearerSecret) {
    const path = r.env[secretEnvName(run.bearerSecret)];
    if (!path) return { ok: false, exitCode: null, error: `secret ${run.bearerSecret} was not provided` };
    headers.authorization = `Bearer ${(await readFile(path, 'utf8')).trim()}`;
  }
  const status = await httpCall(run.method, run.url, headers, body, run.insecure ?? false, 60_000, r.signal);
  r.log.write(`HTTP ${run.method} ${run.url} → ${status}\n`);
  return status >= 200 && status < 300
    ? { ok: true, exitCode: null }
    : { ok: false, exitCode: null, error: `HTTP ${status}` };
}

function httpCall(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  insecure: boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      { method, headers, timeout: timeoutMs, rejectUnauthorized: !insecure, ...(signal ? { signal } : {}) },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port, timeout: timeoutMs });
    sock.once('connect', () => {
      sock.destroy();
      resolve();
    });
    sock.once('timeout', () => sock.destroy(new Error(`no connection within ${timeoutMs} ms`)));
    sock.once('error', reject);
  });
}

/** Runs a step's verify; the outcome of the step when it fails. */
export async function runVerify(v: Verify, r: StepRun): Promise<StepOutcome> {
  r.log.write(`[beelab] verify: ${describeVerify(v)}\n`);
  try {
    switch (v.kind) {
      case 'shell': {
        const out = await runProcess(['bash', '-euo', 'pipefail', '-c', v.script], r);
        return out.ok ? out : { ...out, error: `verify failed (${out.error})` };
      }
      case 'tcp':
        await tcpProbe(v.host, v.port, v.timeoutMs ?? 5000);
        return { ok: true, exitCode: null };
      case 'http': {
        const status = await httpCall('GET', v.url, {}, undefined, v.insecure ?? false, v.timeoutMs ?? 5000);
        const want = v.expectStatus ?? [200];
        return want.includes(status)
          ? { ok: true, exitCode: null }
          : { ok: false, exitCode: null, error: `verify failed: HTTP ${status}, want ${want.join('/')}` };
      }
    }
  } catch (err) {
    return { ok: false, exitCode: null, error: `verify failed: ${(err as Error).message}` };
  }
}

/** The executor `beelab apply` uses: real processes (execa), real HTTP, real prompts. */
export const processExecutor: StepExecutor = {
  name: 'process',
  async run(r) {
    const { run } = r.step;
    r.log.write(`[beelab] ${r.step.id}: ${describeExecutor(run)}\n`);
    let out: StepOutcome;
    try {
      const argv = executorArgv(run);
      if (argv) out = await runProcess(argv, r);
      else if (run.kind === 'http') out = await runHttp(run, r);
      else if (run.kind === 'manual') {
        r.log.write(`[beelab] manual: ${run.prompt}\n${run.instructions.map((l) => `  ${l}\n`).join('')}`);
        const done = await r.confirm(r.step, run);
        r.log.write(`[beelab] operator: ${done ? 'done' : 'not done'}\n`);
        out = done
          ? { ok: true, exitCode: null }
          : { ok: false, exitCode: null, error: 'operator said not done' };
      } else throw new Error(`unknown executor kind ${(run as Executor).kind}`);
    } catch (err) {
      out = { ok: false, exitCode: null, error: (err as Error).message.split('\n')[0] };
    }
    if (out.ok && r.step.verify && !r.signal.aborted) out = await runVerify(r.step.verify, r);
    return out;
  },
};
