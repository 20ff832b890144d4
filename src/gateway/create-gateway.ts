// The gateway factory: wires config, backends, router, limits and metrics behind one node:http server.
import { randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { KeyStore } from './api-keys.ts';
import { Backend } from './backend.ts';
import { type Clock, systemClock } from './clock.ts';
import type { GatewayConfig, KeyConfig } from './config-schema.ts';
import { type ForwardDeps, forward } from './forward.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { HealthChecker, type HealthResult } from './health-check.ts';
import { KeyLimits } from './key-limits.ts';
import { createLogger, type Logger } from './logger.ts';
import { labelValue } from './metrics.ts';
import { sendError } from './openai-error.ts';
import { RetryBudget } from './retry-budget.ts';
import { Router } from './router.ts';
import { modelList, statusReport } from './status-report.ts';
import type { UpstreamTransport } from './upstream-attempt.ts';
import { UsageLog } from './usage-log.ts';

/** What a gateway can be given instead of the real thing. */
export interface GatewayDeps {
  clock?: Clock;
  transport?: UpstreamTransport;
  /** Where JSON logs go; default stderr. */
  logOut?: Writable;
  /** Replaces the active health check (tests). */
  healthCheck?: (b: Backend, timeoutMs: number) => Promise<HealthResult>;
}

/** A running (or ready to run) gateway. */
export interface Gateway {
  readonly server: Server;
  readonly backends: readonly Backend[];
  readonly router: Router;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Opens the usage log, runs a first health round, then listens. Resolves with the bound address. */
  start(): Promise<AddressInfo>;
  /** Health round on demand (tests, or after config changes). */
  checkHealth(): Promise<void>;
  /** Graceful stop: refuse new requests, let in-flight ones finish up to drainMs, then cut. */
  close(): Promise<void>;
}

const ROUTES = new Set(['/v1/chat/completions', '/v1/completions', '/v1/embeddings']);
const GET_ROUTES = new Set(['/v1/models', '/healthz', '/readyz', '/metrics', '/status']);
const defaultTransport: UpstreamTransport = (b, opts, cb) =>
  (b.isHttps ? httpsRequest : httpRequest)(opts, cb);
const JSON_HEADERS = { 'content-type': 'application/json' };

export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const clock = deps.clock ?? systemClock;
  const logger = createLogger(deps.logOut ?? process.stderr, config.log.level, () => clock.wallNow());
  const backends = config.backends.map((c) => new Backend(c, config, clock));
  const router = new Router(backends, config, clock);
  const keys = new KeyStore(config.auth.keys);
  const keyModels = new Map<KeyConfig, Set<string>>();
  for (const k of config.auth.keys) if (k.models) keyModels.set(k, new Set(k.models));
  const limits = new KeyLimits(clock);
  const usageLog = new UsageLog(config.usageLog);
  const authRequired = config.auth.required || keys.size > 0;
  let inFlight = 0;
  let draining = false;
  const startedAt = clock.wallNow();
  const metrics = new GatewayMetrics(
    backends,
    () => inFlight,
    () => router.queueDepth,
  );
  const fwd: ForwardDeps = {
    config,
    clock,
    router,
    transport: deps.transport ?? defaultTransport,
    retryBudget: new RetryBudget(
      clock,
      config.routing.retryBudget.ratio,
      config.routing.retryBudget.minPerSecond,
    ),
    limits,
    metrics,
    usageLog,
    logger,
  };
  const health = new HealthChecker(
    backends,
    config.health,
    clock,
    (modelsChanged) => {
      if (modelsChanged) router.rebuild();
      router.drainQueue();
    },
    deps.healthCheck,
  );
  const routeLabels = new Map([...ROUTES, ...GET_ROUTES].map((r) => [r, `route="${labelValue(r)}"`]));
  const otherRouteLabel = 'route="other"';
  const idPrefix = randomBytes(4).toString('hex');
  let seq = 0;
  // A client's own request id is kept for tracing when it is short and plain; otherwise we make one.
  const requestId = (h: string | string[] | undefined): string =>
    typeof h === 'string' && h.length <= 128 && /^[\w.:-]+$/.test(h) ? h : `${idPrefix}-${++seq}`;
  const needsAccounting = (k: KeyConfig | undefined) => Boolean(config.usageLog || k?.tpm || k?.budget);

  /** Sends an error the gateway decided itself, and counts and logs it like a proxied request. */
  const refuse = (...args: Parameters<typeof sendError>) => {
    const res = args[0];
    sendError(...args);
    const url = res.req?.url ?? '';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const routeLabel = routeLabels.get(path) ?? otherRouteLabel;
    metrics.requests.inc(GatewayMetrics.routeCode(routeLabel, args[1]));
    if (config.log.requests)
      logger.log('info', 'refused', { route: path.slice(0, 64), status: args[1], code: args[3] });
  };

  const sendJson = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const authenticate = (req: IncomingMessage, res: ServerResponse): KeyConfig | null | undefined => {
    if (!authRequired) return undefined;
    const header = req.headers.authorization ?? (req.headers['x-api-key'] as string | undefined);
    const key = keys.lookup(header);
    if (!key) {
      refuse(
        res,
        401,
        'authentication_error',
        'invalid_api_key',
        header ? 'Incorrect API key provided.' : 'Missing API key: send "Authorization: Bearer <key>".',
      );
      return null;
    }
    return key;
  };

  const proxy = (
    req: IncomingMessage,
    res: ServerResponse,
    route: string,
    key: KeyConfig | undefined,
    body: Buffer,
  ) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      refuse(res, 400, 'invalid_request_error', 'invalid_json', 'The request body is not valid JSON.');
      return;
    }
    const model = parsed?.model;
    if (typeof model !== 'string' || !model) {
      refuse(res, 400, 'invalid_request_error', 'missing_model', 'The request needs a "model" string.');
      return;
    }
    const allowed = key && keyModels.get(key);
    if (allowed && !allowed.has(model)) {
      refuse(res, 403, 'permission_error', 'model_not_allowed', `This key may not use the model "${model}".`);
      return;
    }
    const candidates = router.candidates(model);
    if (!candidates) {
      refuse(
        res,
        404,
        'invalid_request_error',
        'model_not_found',
        `The model "${model}" does not exist on this gateway.`,
      );
      return;
    }
    if (key) {
      const refusal = limits.admit(key);
      if (refusal) {
        refuse(
          res,
          429,
          refusal.code === 'insufficient_quota' ? 'insufficient_quota' : 'rate_limit_error',
          refusal.code,
          refusal.message,
          {
            'retry-after': String(refusal.retryAfterSeconds),
          },
        );
        return;
      }
    }
    const stream = parsed.stream === true;
    const so = parsed.stream_options as { include_usage?: unknown } | undefined;
    inFlight++;
    void forward(fwd, {
      id: requestId(req.headers['x-request-id']),
      req,
      res,
      route,
      routeLabel: routeLabels.get(route)!,
      body,
      parsed,
      model,
      stream,
      key,
      started: clock.now(),
      candidates,
      injectUsage: stream && route !== '/v1/embeddings' && so?.include_usage !== true && needsAccounting(key),
    })
      .catch((err: unknown) => {
        logger.log('error', 'internal error while forwarding', {
          error: String((err as Error)?.stack ?? err),
        });
        refuse(res, 500, 'server_error', 'internal_error', 'The gateway hit an internal error.');
      })
      .finally(() => {
        inFlight--;
        if (draining && inFlight === 0) onIdle?.();
      });
  };

  const readBody = (req: IncomingMessage, res: ServerResponse, done: (body: Buffer) => void) => {
    const max = config.limits.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? -1);
    const tooLarge = () => {
      res.setHeader('connection', 'close');
      refuse(
        res,
        413,
        'invalid_request_error',
        'request_too_large',
        `The request body is larger than ${max} bytes.`,
      );
    };
    if (declared > max) {
      tooLarge();
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        if (!res.headersSent) tooLarge();
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (size <= max) done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    if (draining) res.setHeader('connection', 'close');
    if (req.method === 'POST' && ROUTES.has(path)) {
      if (draining) {
        refuse(res, 503, 'server_error', 'shutting_down', 'The gateway is shutting down; retry.', {
          'retry-after': '1',
        });
        return;
      }
      const key = authenticate(req, res);
      if (key === null) {
        req.resume();
        return;
      }
      readBody(req, res, (body) => proxy(req, res, path, key, body));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const known = ROUTES.has(path) || GET_ROUTES.has(path);
      refuse(
        res,
        known ? 405 : 404,
        'invalid_request_error',
        known ? 'method_not_allowed' : 'not_found',
        `No route for ${req.method} ${path}.`,
      );
      return;
    }
    switch (path) {
      case '/v1/models': {
        const key = authenticate(req, res);
        if (key === null) return;
        sendJson(
          res,
          200,
          modelList(router, key ? keyModels.get(key) : undefined, Math.floor(startedAt / 1000)),
        );
        return;
      }
      case '/healthz':
        sendJson(res, 200, '{"status":"ok"}');
        return;
      case '/readyz': {
        const ready = !draining && backends.some((b) => b.health === 'up');
        sendJson(res, ready ? 200 : 503, JSON.stringify({ ready, draining }));
        return;
      }
      case '/metrics': {
        const body = metrics.registry.render();
        res.writeHead(200, {
          'content-type': 'text/plain; version=0.0.4; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
        return;
      }
      case '/status':
        sendJson(
          res,
          200,
          JSON.stringify(
            statusReport(backends, router, config.auth.keys, limits, { draining, inFlight, startedAt }),
            null,
            2,
          ),
        );
        return;
      default:
        refuse(res, 404, 'invalid_request_error', 'not_found', `No route for ${req.method} ${path}.`);
    }
  };

  const server = createServer(
    { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 30_000 },
    handle,
  );
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  let onIdle: (() => void) | undefined;

  return {
    server,
    backends,
    router,
    metrics,
    logger,
    async start() {
      await usageLog.open();
      const used = await usageLog.budgetUse(config.auth.keys, clock.wallNow());
      for (const k of config.auth.keys) {
        const u = used.get(k.name);
        if (u && u.tokens > 0) limits.restoreBudget(k, u.period, u.tokens);
      }
      await health.runOnce();
      health.start();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.listen.port, config.listen.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const addr = server.address() as AddressInfo;
      logger.log('info', 'gateway listening', {
        address: addr.address,
        port: addr.port,
        backends: backends.map((b) => ({ name: b.name, health: b.health, models: b.models.size })),
      });
      return addr;
    },
    checkHealth: () => health.runOnce(),
    async close() {
      if (draining) return;
      draining = true;
      health.stop();
      router.rejectAll();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        logger.log('info', 'draining', { inFlight, drainMs: config.timeouts.drainMs });
        await new Promise<void>((resolve) => {
          const t = clock.setTimer(resolve, config.timeouts.drainMs);
          onIdle = () => {
            clock.clearTimer(t);
            resolve();
          };
        });
      }
      server.closeAllConnections();
      await closed;
      for (const b of backends) b.close();
      await usageLog.close();
      logger.log('info', 'gateway stopped', { cutRequests: inFlight });
      logger.flush();
    },
  };
}
