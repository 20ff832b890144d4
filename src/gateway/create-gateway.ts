// The gateway factory: wires config, backends, router, limits and metrics behind one node:http server.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex, Writable } from 'node:stream';
import { type Clock, systemClock } from '../kernel/clock.ts';
import { Backend } from './backend.ts';
import type { GatewayConfig } from './config-schema.ts';
import type { ForwardDeps } from './forward.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { HealthChecker, type HealthResult } from './health-check.ts';
import { KeyLimits } from './key-limits.ts';
import { createLogger, type Logger } from './logger.ts';
import { createRequestHandler, type GatewayState } from './request-handler.ts';
import { RetryBudget } from './retry-budget.ts';
import { Router } from './router.ts';
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
  /** The separate admin listener (/status, /metrics), unless admin.listen is "main". */
  readonly adminServer: Server | undefined;
  /** Where the admin listener is bound, after start(). */
  readonly adminAddress: AddressInfo | undefined;
  /** Requests being forwarded now (parsed and admitted, not yet accounted). */
  readonly inFlight: number;
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

const defaultTransport: UpstreamTransport = (b, opts, cb) =>
  (b.isHttps ? httpsRequest : httpRequest)(opts, cb);

export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const clock = deps.clock ?? systemClock;
  const logger = createLogger(deps.logOut ?? process.stderr, config.log.level, () => clock.wall());
  const backends = config.backends.map((c) => new Backend(c, config, clock));
  const router = new Router(backends, config, clock);
  const limits = new KeyLimits(clock);
  const usageLog = new UsageLog(config.usageLog);
  const state: GatewayState = { inFlight: 0, draining: false, onIdle: undefined, startedAt: clock.wall() };
  const metrics = new GatewayMetrics(
    backends,
    () => state.inFlight,
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
  const handlers = createRequestHandler({
    config,
    clock,
    backends,
    router,
    limits,
    metrics,
    logger,
    fwd,
    state,
  });

  const serverOptions = {
    keepAliveTimeout: 65_000,
    requestTimeout: 0,
    headersTimeout: 30_000,
    maxHeaderSize: config.limits.maxHeaderBytes,
  };
  const onClientError = clientErrorHandler(config, metrics, logger);
  const server = createServer(serverOptions, handlers.api);
  server.on('clientError', onClientError);
  const adminListen = config.admin.listen === 'main' ? undefined : config.admin.listen;
  const adminServer = adminListen ? createServer(serverOptions, handlers.admin) : undefined;
  adminServer?.on('clientError', onClientError);
  let adminAddress: AddressInfo | undefined;

  return {
    server,
    adminServer,
    get adminAddress() {
      return adminAddress;
    },
    get inFlight() {
      return state.inFlight;
    },
    backends,
    router,
    metrics,
    logger,
    async start() {
      await usageLog.open();
      const used = await usageLog.budgetUse(config.auth.keys, clock.wall());
      for (const k of config.auth.keys) {
        const u = used.get(k.name);
        if (u && u.tokens > 0) limits.restoreBudget(k, u.period, u.tokens);
      }
      await health.runOnce();
      health.start();
      await listen(server, config.listen.port, config.listen.host);
      if (adminServer && adminListen) {
        try {
          await listen(adminServer, adminListen.port, adminListen.host);
        } catch (err) {
          server.close();
          (err as { admin?: boolean }).admin = true;
          throw err;
        }
        adminAddress = adminServer.address() as AddressInfo;
      }
      const addr = server.address() as AddressInfo;
      logger.log('info', 'gateway listening', {
        address: addr.address,
        port: addr.port,
        admin: adminAddress ? `${adminAddress.address}:${adminAddress.port}` : 'main',
        backends: backends.map((b) => ({ name: b.name, health: b.health, models: b.models.size })),
      });
      return addr;
    },
    checkHealth: () => health.runOnce(),
    async close() {
      if (state.draining) return;
      state.draining = true;
      health.stop();
      router.rejectAll();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const adminClosed = adminServer
        ? new Promise<void>((r) => adminServer.close(() => r()))
        : Promise.resolve();
      adminServer?.closeAllConnections();
      if (state.inFlight > 0) {
        logger.log('info', 'draining', { inFlight: state.inFlight, drainMs: config.timeouts.drainMs });
        await new Promise<void>((resolve) => {
          const t = clock.setTimer(resolve, config.timeouts.drainMs);
          state.onIdle = () => {
            clock.clearTimer(t);
            resolve();
          };
        });
      }
      server.closeAllConnections();
      await closed;
      await adminClosed;
      for (const b of backends) b.close();
      await usageLog.close();
      logger.log('info', 'gateway stopped', { cutRequests: state.inFlight });
      logger.flush();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

/**
 * Requests node:http refuses before any handler runs (over-long headers or URL, malformed requests)
 * still get an OpenAI-style JSON error: 431 for headers over limits.maxHeaderBytes, 414 when the
 * request line alone did not fit, 408 for a header timeout, 400 for the rest.
 */
function clientErrorHandler(
  config: GatewayConfig,
  metrics: GatewayMetrics,
  logger: Logger,
): (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    let status = 400;
    let code = 'bad_request';
    let message = 'The request could not be parsed as HTTP/1.1.';
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      // The parser counts the request line as header bytes; if the line never ended, the URL is to blame.
      const raw = err.rawPacket;
      const lineEnd = raw ? raw.indexOf('\r\n') : -1;
      if (
        raw &&
        (lineEnd < 0 || lineEnd > config.limits.maxUrlBytes) &&
        /^[A-Z]+ /.test(raw.toString('latin1', 0, 16))
      ) {
        status = 414;
        code = 'uri_too_long';
        message = `The URL is longer than ${config.limits.maxUrlBytes} bytes.`;
      } else {
        status = 431;
        code = 'request_header_fields_too_large';
        message = `The request line and headers are larger than ${config.limits.maxHeaderBytes} bytes.`;
      }
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      code = 'request_timeout';
      message = 'The request headers did not arrive in time.';
    }
    const body = JSON.stringify({
      error: { message, type: 'invalid_request_error', param: null, code },
    });
    socket.end(
      `HTTP/1.1 ${status} ${REASON[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    metrics.requests.inc(`route="other",code="${status}"`);
    if (config.log.requests) logger.log('info', 'refused', { route: null, status, code });
  };
}
