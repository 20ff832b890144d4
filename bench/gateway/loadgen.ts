// Open-loop load generator (own process, own core): sends at a fixed rate, times each request in microseconds.
import { Agent, request } from 'node:http';
import { type LatencySummary, summarize } from './stats.ts';

/** One measured phase, sent by the orchestrator over IPC. */
export interface PhaseSpec {
  port: number;
  path: string;
  headers: Record<string, string>;
  body: string;
  stream: boolean;
  rate: number;
  durationMs: number;
}

/** What a phase measured. */
export interface PhaseResult {
  sent: number;
  ok: number;
  errors: number;
  /** Completed requests per second over the phase (until the last response). */
  achievedRps: number;
  /** Largest delay between a request's planned and actual send time, µs (generator health). */
  maxLagUs: number;
  latency: LatencySummary;
  /** Time to the first `data:` event, streaming only. */
  ttft?: LatencySummary;
  firstError?: string;
  /** Raw samples (µs), so the orchestrator can merge rounds. */
  samples: number[];
  ttftSamples?: number[];
}

function runPhase(p: PhaseSpec): Promise<PhaseResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
  const body = Buffer.from(p.body);
  const headers = { ...p.headers, 'content-type': 'application/json', 'content-length': String(body.length) };
  const total = Math.round((p.rate * p.durationMs) / 1000);
  const intervalNs = BigInt(Math.round(1e9 / p.rate));
  const lat: number[] = [];
  const ttft: number[] = [];
  let sent = 0;
  let done = 0;
  let errors = 0;
  let maxLag = 0n;
  let firstError: string | undefined;
  const start = process.hrtime.bigint() + 5_000_000n;
  let lastEnd = start;

  return new Promise((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      agent.destroy();
      const secs = Number(lastEnd - start) / 1e9;
      resolve({
        sent,
        ok: lat.length,
        errors,
        achievedRps: secs > 0 ? lat.length / secs : 0,
        maxLagUs: Number(maxLag) / 1000,
        latency: summarize(lat),
        ttft: p.stream ? summarize(ttft) : undefined,
        firstError,
        samples: lat,
        ttftSamples: p.stream ? ttft : undefined,
      });
    };
    const fail = (why: string) => {
      errors++;
      firstError ??= why;
      if (++done === total) finish();
    };
    const fire = (planned: bigint) => {
      const t0 = process.hrtime.bigint();
      if (t0 - planned > maxLag) maxLag = t0 - planned;
      let first = 0n;
      const req = request(
        { host: '127.0.0.1', port: p.port, path: p.path, method: 'POST', agent, headers },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            res.on('end', () => fail(`HTTP ${res.statusCode}`));
            return;
          }
          res.on('data', (c: Buffer) => {
            if (p.stream && first === 0n && c.includes('data:')) first = process.hrtime.bigint();
          });
          res.on('end', () => {
            const t1 = process.hrtime.bigint();
            lastEnd = t1;
            lat.push(Number(t1 - t0) / 1000);
            if (p.stream) ttft.push(first ? Number(first - t0) / 1000 : Number.NaN);
            if (++done === total) finish();
          });
          res.on('error', (e) => fail(e.message));
        },
      );
      req.on('error', (e) => fail(e.message));
      req.end(body);
    };
    // Coarse sleep with timers, then a setImmediate spin for the last millisecond: timers alone
    // are only millisecond-accurate.
    const tick = () => {
      const now = process.hrtime.bigint();
      while (sent < total) {
        const planned = start + BigInt(sent) * intervalNs;
        if (planned > now) break;
        sent++;
        fire(planned);
      }
      if (sent >= total) {
        // Give stragglers up to 10 s, then count them as errors.
        setTimeout(() => {
          if (done < total) {
            errors += total - done;
            firstError ??= `${total - done} requests unanswered after 10 s`;
            finish();
          }
        }, 10_000).unref();
        return;
      }
      const wait = Number(start + BigInt(sent) * intervalNs - process.hrtime.bigint()) / 1e6;
      if (wait > 1.5) setTimeout(tick, wait - 1);
      else setImmediate(tick);
    };
    tick();
  });
}

process.on('message', (msg: PhaseSpec) => {
  void runPhase(msg).then((r) => process.send!(r));
});
process.send!({ ready: true });
