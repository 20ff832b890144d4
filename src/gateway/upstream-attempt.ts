// One try of a request against one backend: timeouts, failover verdict, and the streamed pass-through.
import type { ClientRequest, IncomingMessage, RequestOptions, ServerResponse } from 'node:http';
import type { Clock, TimerHandle } from '../kernel/clock.ts';
import type { Backend } from './backend.ts';
import { TailBuffer } from './usage-scan.ts';

/** Sends one request to a backend; injectable so tests can swap the transport. */
export type UpstreamTransport = (
  backend: Backend,
  options: RequestOptions,
  onResponse: (res: IncomingMessage) => void,
) => ClientRequest;

/** How a try ended. `retryable` ones happened before any byte reached the client. */
export type AttemptResult =
  | { kind: 'done'; status: number; tail: TailBuffer | undefined; ttfbMs: number }
  | {
      kind: 'retryable';
      reason: 'connect' | 'timeout' | 'error' | 'status';
      detail: string;
      status?: number;
      body?: Buffer;
      contentType?: string;
      /** The backend's Retry-After, relayed when this was the last try. */
      retryAfter?: string;
    }
  | { kind: 'broken'; detail: string; status: number; ttfbMs: number }
  | { kind: 'aborted' };

/** Response headers that describe one hop, not the response. */
const HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
]);

export interface AttemptInput {
  backend: Backend;
  path: string;
  body: Buffer;
  requestId: string;
  res: ServerResponse;
  /** Whether the response tail is kept to read `usage` from. */
  wantUsage: boolean;
  timeouts: { connectMs: number; firstByteMs: number; idleMs: number };
  clock: Clock;
  transport: UpstreamTransport;
  /** Holds the in-flight upstream request so a client abort can destroy it. */
  watch: { upstream: ClientRequest | undefined };
}

/** Largest error body kept from a failed try, to relay if it was the last one. */
const MAX_ERROR_BODY = 64 * 1024;

export function attempt(a: AttemptInput): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const { backend: b, res, clock } = a;
    const started = clock.monotonic();
    let settled = false;
    let timer: TimerHandle | undefined;
    let phase: 'connect' | 'first-byte' | 'idle' = 'first-byte';
    let upRes: IncomingMessage | undefined;
    let headersSent = false;
    let ttfbMs = 0;

    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      if (timer) clock.clearTimer(timer);
      a.watch.upstream = undefined;
      resolve(r);
    };
    const arm = (ms: number, p: typeof phase) => {
      phase = p;
      if (timer) clock.clearTimer(timer);
      timer = ms > 0 ? clock.setTimer(onTimeout, ms) : undefined;
    };
    const onTimeout = () => {
      const detail = `${phase} timeout after ${phase === 'connect' ? a.timeouts.connectMs : phase === 'idle' ? a.timeouts.idleMs : a.timeouts.firstByteMs} ms`;
      upReq.destroy();
      if (headersSent) {
        res.destroy();
        finish({ kind: 'broken', detail, status: upRes?.statusCode ?? 0, ttfbMs });
      } else finish({ kind: 'retryable', reason: phase === 'connect' ? 'connect' : 'timeout', detail });
    };

    // A fixed-shape literal rather than a spread of baseHeaders: one small object, no copy loop.
    const base = b.baseHeaders;
    const headers: Record<string, string | number> = {
      host: base.host!,
      'content-type': 'application/json',
      accept: '*/*',
      'content-length': a.body.length,
      'x-request-id': a.requestId,
    };
    if (base.authorization) headers.authorization = base.authorization;
    const upReq = a.transport(
      b,
      { host: b.url.hostname, port: b.url.port, method: 'POST', path: a.path, headers, agent: b.agent },
      (r) => {
        upRes = r;
        const status = r.statusCode ?? 502;
        if (status >= 500 || status === 429) {
          // Drain the body (keeps the socket reusable) and keep a little of it to relay if no retry works.
          const chunks: Buffer[] = [];
          let size = 0;
          r.on('data', (c: Buffer) => {
            if (size < MAX_ERROR_BODY) chunks.push(c);
            size += c.length;
          });
          r.on('end', () =>
            finish({
              kind: 'retryable',
              reason: 'status',
              status,
              detail: `answered ${status}`,
              body: Buffer.concat(chunks),
              contentType: String(r.headers['content-type'] ?? ''),
              retryAfter: r.headers['retry-after'],
            }),
          );
          r.on('error', (e) => finish({ kind: 'retryable', reason: 'error', status, detail: e.message }));
          return;
        }
        const tail = a.wantUsage ? new TailBuffer() : undefined;
        // Client headers wait for the first body byte, so a backend that fails right after its
        // headers can still be retried elsewhere.
        const sendHead = () => {
          headersSent = true;
          ttfbMs = clock.monotonic() - started;
          const raw = r.rawHeaders;
          const out: string[] = [];
          for (let i = 0; i < raw.length; i += 2)
            if (!HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
          out.push('x-beelab-backend', b.name);
          res.writeHead(status, out);
          arm(a.timeouts.idleMs, 'idle');
        };
        r.on('data', (chunk: Buffer) => {
          if (!headersSent) sendHead();
          else if (timer) timer.refresh();
          tail?.push(chunk);
          if (!res.write(chunk)) {
            r.pause();
            res.once('drain', () => r.resume());
          }
        });
        r.on('end', () => {
          if (settled) return;
          if (!headersSent) sendHead();
          res.end();
          finish({ kind: 'done', status, tail, ttfbMs });
        });
        const broken = (detail: string) => {
          if (settled) return;
          if (!headersSent) {
            finish({ kind: 'retryable', reason: 'error', detail });
            return;
          }
          // Bytes already reached the client: no retry; cut the response so the client sees it failed.
          res.destroy();
          finish({ kind: 'broken', detail, status, ttfbMs });
        };
        r.on('error', (e) => broken(e.message));
        r.on('aborted', () => broken('backend closed the response early'));
        r.on('close', () => {
          if (!r.complete) broken('backend closed the response early');
        });
      },
    );
    a.watch.upstream = upReq;
    upReq.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      if (headersSent) {
        res.destroy();
        finish({ kind: 'broken', detail: e.message, status: upRes?.statusCode ?? 0, ttfbMs });
        return;
      }
      const connectErr =
        e.code === 'ECONNREFUSED' ||
        e.code === 'EHOSTUNREACH' ||
        e.code === 'ENETUNREACH' ||
        e.code === 'ENOTFOUND';
      finish({ kind: 'retryable', reason: connectErr ? 'connect' : 'error', detail: e.code ?? e.message });
    });
    // Destroyed before any response (the client went away, or the agent gave up): settle now rather
    // than at the first-byte timeout, so the slot is given back at once.
    upReq.on('close', () => {
      if (!settled && !upRes)
        finish({ kind: 'retryable', reason: 'error', detail: 'upstream request closed' });
    });
    upReq.on('socket', (s) => {
      if (s.connecting) {
        arm(a.timeouts.connectMs, 'connect');
        s.once('connect', () => {
          if (!settled && phase === 'connect') arm(a.timeouts.firstByteMs, 'first-byte');
        });
      }
    });
    arm(a.timeouts.firstByteMs, 'first-byte');
    upReq.end(a.body);
  });
}

/** Marks an attempt that was cut by the client going away. */
export const ABORTED: AttemptResult = { kind: 'aborted' };
