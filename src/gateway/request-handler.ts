// The HTTP side of the gateway: routes, authentication, request checks, and the hand-off to forward().
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../kernel/clock.ts';
import { KeyStore } from './api-keys.ts';
import type { Backend } from './backend.ts';
import type { AdminKeyConfig, GatewayConfig, KeyConfig } from './config-schema.ts';
import { type ForwardDeps, forward } from './forward.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { jsonTooDeep } from './json-depth.ts';
import type { KeyLimits } from './key-limits.ts';
import type { Logger } from './logger.ts';
import { labelValue } from './metrics.ts';
import { sendError } from './openai-error.ts';
import { readBody } from './read-body.ts';
import type { Router } from './router.ts';
import { modelList, statusReport } from './status-report.ts';

/** State the factory and the handler share: in-flight count and the drain. */
export interface GatewayState {
  inFlight: number;
  draining: boolean;
  /** Called when the last in-flight request ends during a drain. */
  onIdle: (() => void) | undefined;
  readonly startedAt: number;
}

/** What the handler needs from the factory. */
export interface HandlerDeps {
  config: GatewayConfig;
  clock: Clock;
  backends: readonly Backend[];
  router: Router;
  limits: KeyLimits;
  metrics: GatewayMetrics;
  logger: Logger;
  fwd: ForwardDeps;
  state: GatewayState;
}

const ROUTES = new Set(['/v1/chat/completions', '/v1/completions', '/v1/embeddings']);
const GET_ROUTES = new Set(['/v1/models', '/healthz', '/readyz', '/metrics', '/status']);
const JSON_HEADERS = { 'content-type': 'application/json' };

/** A node:http request listener. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** True for `application/json` and `application/<x>+json`, with or without parameters (charset). */
export function isJsonContentType(ct: string): boolean {
  const semi = ct.indexOf(';');
  const t = (semi >= 0 ? ct.slice(0, semi) : ct).trim().toLowerCase();
  return t === 'application/json' || (t.startsWith('application/') && t.endsWith('+json'));
}

/**
 * The API listener's handler and the admin listener's (/status, /metrics, /healthz, /readyz). With
 * `admin.listen: main` the API handler serves the admin paths too, behind the admin keys.
 */
export function createRequestHandler(d: HandlerDeps): { api: Handler; admin: Handler } {
  const { config, clock, backends, router, limits, metrics, logger, fwd, state } = d;
  const keys = new KeyStore(config.auth.keys);
  const keyModels = new Map<KeyConfig, Set<string>>();
  for (const k of config.auth.keys) if (k.models) keyModels.set(k, new Set(k.models));
  const authRequired = config.auth.required || keys.size > 0;
  const adminKeys = new KeyStore<AdminKeyConfig>(config.admin.keys);
  const adminOnMain = config.admin.listen === 'main';
  const { maxJsonDepth, maxUrlBytes } = config.limits;
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

  /**
   * The key of `store` the request presents (Authorization: Bearer, or x-api-key); undefined after answering
   * 401 with `wrong` (a key we do not know) or `missing` (none presented).
   */
  const presentedKey = <K extends { hash?: string | undefined }>(
    req: IncomingMessage,
    res: ServerResponse,
    store: KeyStore<K>,
    refusal: { wrong: string; missing: string },
  ): K | undefined => {
    const header = req.headers.authorization ?? (req.headers['x-api-key'] as string | undefined);
    const key = store.lookup(header);
    if (!key)
      refuse(res, 401, 'authentication_error', 'invalid_api_key', header ? refusal.wrong : refusal.missing);
    return key;
  };

  const authenticate = (req: IncomingMessage, res: ServerResponse): KeyConfig | null | undefined => {
    if (!authRequired) return undefined;
    return (
      presentedKey(req, res, keys, {
        wrong: 'Incorrect API key provided.',
        missing: 'Missing API key: send "Authorization: Bearer <key>".',
      }) ?? null
    );
  };

  const proxy = (
    req: IncomingMessage,
    res: ServerResponse,
    route: string,
    key: KeyConfig | undefined,
    body: Buffer,
  ) => {
    if (jsonTooDeep(body, maxJsonDepth)) {
      refuse(
        res,
        400,
        'invalid_request_error',
        'json_too_deep',
        `The request body nests arrays and objects deeper than ${maxJsonDepth} levels.`,
      );
      return;
    }
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
    state.inFlight++;
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
      started: clock.monotonic(),
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
        state.inFlight--;
        if (state.draining && state.inFlight === 0) state.onIdle?.();
      });
  };

  const sendMetrics = (res: ServerResponse) => {
    const body = metrics.registry.render();
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };

  const sendStatus = (res: ServerResponse) =>
    sendJson(
      res,
      200,
      JSON.stringify(
        statusReport(backends, router, config.auth.keys, limits, {
          draining: state.draining,
          inFlight: state.inFlight,
          startedAt: state.startedAt,
        }),
        null,
        2,
      ),
    );

  const sendReady = (res: ServerResponse) => {
    const ready = !state.draining && backends.some((b) => b.health === 'up');
    sendJson(res, ready ? 200 : 503, JSON.stringify({ ready, draining: state.draining }));
  };

  /** Admin keys, when listed, guard /status and /metrics; false when refused (already answered). */
  const adminAllowed = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (adminKeys.size === 0) return true;
    const key = presentedKey(req, res, adminKeys, {
      wrong: 'Incorrect admin key provided.',
      missing: 'This endpoint needs an admin key: send "Authorization: Bearer <key>".',
    });
    return key !== undefined;
  };

  /** Splits off the query; answers 414 for an over-long URL (undefined then). */
  const pathOf = (req: IncomingMessage, res: ServerResponse): string | undefined => {
    const url = req.url ?? '/';
    if (url.length > maxUrlBytes) {
      res.setHeader('connection', 'close');
      refuse(
        res,
        414,
        'invalid_request_error',
        'uri_too_long',
        `The URL is longer than ${maxUrlBytes} bytes.`,
      );
      req.resume();
      return undefined;
    }
    const q = url.indexOf('?');
    return q >= 0 ? url.slice(0, q) : url;
  };

  /** 404 for a path no route has, 405 for a method the path does not take. */
  const noRoute = (req: IncomingMessage, res: ServerResponse, path: string, status: 404 | 405 = 404) =>
    refuse(
      res,
      status,
      'invalid_request_error',
      status === 405 ? 'method_not_allowed' : 'not_found',
      `No route for ${req.method} ${path.slice(0, 256)}.`,
    );

  /**
   * The operations routes both listeners serve: health and readiness, and /metrics and /status behind the
   * admin keys where `admin` (the admin listener, or the API listener with `admin.listen: main`).
   */
  const operations = (req: IncomingMessage, res: ServerResponse, path: string, admin: boolean) => {
    switch (path) {
      case '/healthz':
        sendJson(res, 200, '{"status":"ok"}');
        return;
      case '/readyz':
        sendReady(res);
        return;
      case '/metrics':
        if (!admin) noRoute(req, res, path);
        else if (adminAllowed(req, res)) sendMetrics(res);
        return;
      case '/status':
        if (!admin) noRoute(req, res, path);
        else if (adminAllowed(req, res)) sendStatus(res);
        return;
      default:
        noRoute(req, res, path);
    }
  };

  const api: Handler = (req, res) => {
    const path = pathOf(req, res);
    if (path === undefined) return;
    if (state.draining) res.setHeader('connection', 'close');
    if (req.method === 'POST' && ROUTES.has(path)) {
      if (state.draining) {
        refuse(res, 503, 'server_error', 'shutting_down', 'The gateway is shutting down; retry.', {
          'retry-after': '1',
        });
        req.resume();
        return;
      }
      const key = authenticate(req, res);
      if (key === null) {
        req.resume();
        return;
      }
      const ct = req.headers['content-type'];
      if (ct !== undefined && !isJsonContentType(ct)) {
        refuse(
          res,
          415,
          'invalid_request_error',
          'unsupported_media_type',
          `The request body must be JSON (Content-Type: application/json), not ${JSON.stringify(ct.slice(0, 100))}.`,
        );
        req.resume();
        return;
      }
      readBody(req, res, config.limits.maxBodyBytes, refuse, (body) => proxy(req, res, path, key, body));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      noRoute(req, res, path, ROUTES.has(path) || GET_ROUTES.has(path) ? 405 : 404);
      req.resume();
      return;
    }
    if (path === '/v1/models') {
      const key = authenticate(req, res);
      if (key === null) return;
      sendJson(
        res,
        200,
        modelList(router, key ? keyModels.get(key) : undefined, Math.floor(state.startedAt / 1000)),
      );
      return;
    }
    operations(req, res, path, adminOnMain);
  };

  const admin: Handler = (req, res) => {
    const path = pathOf(req, res);
    if (path === undefined) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      noRoute(req, res, path, 405);
      req.resume();
      return;
    }
    operations(req, res, path, true);
  };

  return { api, admin };
}
