// The failover loop: pick a backend, try it, retry elsewhere only before the first byte, then account.
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../kernel/clock.ts';
import type { Backend } from './backend.ts';
import type { GatewayConfig, KeyConfig } from './config-schema.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import type { KeyLimits } from './key-limits.ts';
import type { Logger } from './logger.ts';
import { sendError } from './openai-error.ts';
import type { RetryBudget } from './retry-budget.ts';
import type { Candidate, Pick, Router } from './router.ts';
import { ABORTED, type AttemptResult, attempt, type UpstreamTransport } from './upstream-attempt.ts';
import type { UsageLog } from './usage-log.ts';
import { findUsage, type Usage } from './usage-scan.ts';

/** Everything known about one proxied request. */
export interface ProxyRequest {
  id: string;
  req: IncomingMessage;
  res: ServerResponse;
  route: string;
  routeLabel: string;
  body: Buffer;
  parsed: Record<string, unknown>;
  model: string;
  stream: boolean;
  key: KeyConfig | undefined;
  started: number;
  candidates: Candidate[];
  /** Whether the stream request gets `stream_options.include_usage` added for accounting. */
  injectUsage: boolean;
  /** Rewritten bodies per upstream model name (aliases, usage injection); made on first use. */
  bodies?: Map<string, Buffer>;
}

/** What the forwarder needs from the gateway. */
export interface ForwardDeps {
  config: GatewayConfig;
  clock: Clock;
  router: Router;
  transport: UpstreamTransport;
  retryBudget: RetryBudget;
  limits: KeyLimits;
  metrics: GatewayMetrics;
  usageLog: UsageLog;
  logger: Logger;
}

/**
 * What the forwarder knows about the client while a request is in flight: whether it went away, the
 * upstream request to destroy when it does, and the queue wait to cancel. One object per request, so
 * the client-abort path needs a single listener and no other closures.
 */
export class ClientWatch {
  aborted = false;
  upstream: ClientRequest | undefined = undefined;
  /** Set while the request waits in the router's queue. */
  cancelWait: (() => void) | undefined = undefined;
  readonly onClose: () => void;

  constructor(readonly res: ServerResponse) {
    this.onClose = () => {
      if (this.res.writableFinished) return;
      this.aborted = true;
      this.upstream?.destroy();
      this.cancelWait?.();
    };
  }
}

/** The body to send for an upstream model name; undefined when it cannot be re-serialised. */
function bodyFor(p: ProxyRequest, upstreamModel: string): Buffer | undefined {
  if (upstreamModel === p.model && !p.injectUsage) return p.body;
  p.bodies ??= new Map();
  let b = p.bodies.get(upstreamModel);
  if (!b) {
    // Only aliases and usage injection pay for re-serialising the body.
    const o: Record<string, unknown> = Object.assign({}, p.parsed, { model: upstreamModel });
    if (p.injectUsage)
      o.stream_options = Object.assign({}, o.stream_options as object | undefined, { include_usage: true });
    try {
      b = Buffer.from(JSON.stringify(o));
    } catch (err) {
      // A body nested deeper than the stack allows (only possible with a high limits.maxJsonDepth).
      if (err instanceof RangeError) return undefined;
      throw err;
    }
    p.bodies.set(upstreamModel, b);
  }
  return b;
}

/**
 * Pick a backend, try it, retry elsewhere only before the first byte, then account. A backend slot is
 * taken by router.acquire() and given back in exactly one place, the `finally` below, whatever happens
 * during the try (a throw included).
 */
export async function forward(d: ForwardDeps, p: ProxyRequest): Promise<void> {
  const { res } = p;
  const watch = new ClientWatch(res);
  res.on('close', watch.onClose);

  d.retryBudget.onRequest();
  let tried: Set<Backend> | undefined;
  let last: AttemptResult | undefined;
  let backend: Backend | undefined;
  let result: AttemptResult | undefined;
  let attempts = 0;
  try {
    for (;;) {
      const picked: Pick = await d.router.acquire(p.candidates, tried, watch);
      if (picked.kind !== 'ok') {
        if (!watch.aborted && picked.kind !== 'cancelled') replyNoBackend(res, picked.kind, last);
        result = watch.aborted ? ABORTED : last;
        break;
      }
      const b = picked.candidate.backend;
      let r: AttemptResult;
      try {
        if (watch.aborted) {
          result = ABORTED;
          break;
        }
        const body = bodyFor(p, picked.candidate.upstreamModel);
        if (!body) {
          sendError(
            res,
            400,
            'invalid_request_error',
            'json_too_deep',
            'The request body nests too deeply to forward; flatten it or lower limits.maxJsonDepth.',
          );
          result = undefined;
          break;
        }
        backend = b;
        attempts++;
        b.requests++;
        b.breaker.onSend();
        r = await attempt({
          backend: b,
          path: b.paths[p.route]!,
          body,
          requestId: p.id,
          res,
          wantUsage: true,
          timeouts: d.config.timeouts,
          clock: d.clock,
          transport: d.transport,
          watch,
        });
      } finally {
        d.router.release(b);
      }
      const bl = d.metrics.backendLabel.get(b.name)!;
      if (watch.aborted) {
        b.breaker.onAbandon();
        d.metrics.attempts.inc(`${bl},outcome="client_abort"`);
        result = ABORTED;
        break;
      }
      if (r.kind === 'done' || r.kind === 'broken') {
        d.metrics.ttfb.observe(bl, r.ttfbMs / 1000);
        b.recordLatency(r.ttfbMs);
        if (r.kind === 'done') {
          b.breaker.onSuccess();
          d.metrics.attempts.inc(d.metrics.okAttemptLabel.get(b.name)!);
        } else {
          b.failures++;
          b.lastError = r.detail;
          b.breaker.onFailure();
          d.metrics.attempts.inc(`${bl},outcome="broken"`);
        }
        result = r;
        break;
      }
      if (r.kind === 'retryable') {
        b.failures++;
        b.lastError = `${r.reason}: ${r.detail}`;
        b.breaker.onFailure();
        d.metrics.attempts.inc(`${bl},outcome="${r.reason === 'status' ? `status_${r.status}` : r.reason}"`);
        last = r;
        if (
          attempts < d.config.routing.maxAttempts &&
          p.candidates.length > attempts &&
          d.retryBudget.tryRetry()
        ) {
          d.metrics.retries.inc();
          tried ??= new Set();
          tried.add(b);
          continue;
        }
        relayFailure(res, r);
        result = r;
        break;
      }
      result = r;
      break;
    }
  } finally {
    watch.cancelWait = undefined;
    res.off('close', watch.onClose);
  }
  account(d, p, backend, result, attempts);
}

function relayFailure(res: ServerResponse, r: Extract<AttemptResult, { kind: 'retryable' }>): void {
  if (r.reason === 'status' && r.status && r.body && r.body.length > 0) {
    // The last backend's own error (e.g. its 429 or 503 body) says more than ours would.
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const headers: Record<string, string | number> = {
      'content-type': r.contentType || 'application/json',
      'content-length': r.body.length,
    };
    // Its Retry-After tells the client when to come back (429, 503).
    if (r.retryAfter) headers['retry-after'] = r.retryAfter;
    res.writeHead(r.status, headers);
    res.end(r.body);
    return;
  }
  const status = r.reason === 'timeout' ? 504 : r.status === 429 ? 429 : 502;
  sendError(
    res,
    status,
    status === 429 ? 'rate_limit_error' : 'server_error',
    r.reason === 'timeout' ? 'upstream_timeout' : 'upstream_error',
    `every backend tried failed; last: ${r.detail}`,
    r.retryAfter ? { 'retry-after': r.retryAfter } : undefined,
  );
}

function replyNoBackend(
  res: ServerResponse,
  kind: Exclude<Pick['kind'], 'ok' | 'cancelled'>,
  last: AttemptResult | undefined,
): void {
  if (last?.kind === 'retryable') {
    relayFailure(res, last);
    return;
  }
  if (kind === 'queue-full') {
    sendError(
      res,
      429,
      'rate_limit_error',
      'gateway_overloaded',
      'every backend for this model is busy and the queue is full; retry shortly',
      { 'retry-after': '1' },
    );
  } else if (kind === 'queue-timeout') {
    sendError(
      res,
      503,
      'server_error',
      'queue_timeout',
      'waited too long for a free backend; retry shortly',
      { 'retry-after': '1' },
    );
  } else {
    sendError(
      res,
      503,
      'server_error',
      'no_healthy_backend',
      'no healthy backend serves this model right now',
      { 'retry-after': '5' },
    );
  }
}

function account(
  d: ForwardDeps,
  p: ProxyRequest,
  b: Backend | undefined,
  r: AttemptResult | undefined,
  attempts: number,
): void {
  const status = r?.kind === 'aborted' ? 499 : p.res.statusCode;
  const elapsed = d.clock.monotonic() - p.started;
  d.metrics.requests.inc(GatewayMetrics.routeCode(p.routeLabel, status));
  d.metrics.duration.observe(p.routeLabel, elapsed / 1000);
  let usage: Usage | undefined;
  if ((r?.kind === 'done' || r?.kind === 'broken') && r.status < 400) {
    const tail = r.kind === 'done' ? r.tail : undefined;
    usage = tail ? findUsage(tail.text()) : undefined;
  }
  const keyName = p.key?.name ?? null;
  if (usage) {
    if (p.key) d.limits.charge(p.key, usage.total_tokens);
    const k = keyName ?? '';
    const [promptLabel, completionLabel] = d.metrics.tokenLabels(k, p.model);
    d.metrics.tokens.inc(promptLabel, usage.prompt_tokens);
    d.metrics.tokens.inc(completionLabel, usage.completion_tokens);
  }
  if (d.usageLog.enabled)
    d.usageLog.append({
      time: new Date(d.clock.wall()).toISOString(),
      key: keyName,
      model: p.model,
      backend: b?.name ?? null,
      status,
      stream: p.stream,
      prompt_tokens: usage?.prompt_tokens ?? 0,
      completion_tokens: usage?.completion_tokens ?? 0,
      total_tokens: usage?.total_tokens ?? 0,
      duration_ms: Math.round(elapsed * 1000) / 1000,
    });
  if (d.config.log.requests) {
    d.logger.log(status >= 500 ? 'warn' : 'info', 'request', {
      id: p.id,
      route: p.route,
      key: keyName,
      model: p.model,
      backend: b?.name ?? null,
      status,
      attempts,
      stream: p.stream,
      ms: Math.round(elapsed * 1000) / 1000,
      tokens: usage?.total_tokens,
      error: r?.kind === 'broken' || r?.kind === 'retryable' ? r.detail : undefined,
    });
  }
}
