// The gateway factory: wires config, backends, router, limits and metrics behind one node:http server.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { Backend } from './backend.ts';
import { type Clock, systemClock } from './clock.ts';
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
  const logger = createLogger(deps.logOut ?? process.stderr, config.log.level, () => clock.wallNow());
  const backends = config.backends.map((c) => new Backend(c, config, clock));
  const router = new Router(backends, config, clock);
  const limits = new KeyLimits(clock);
  const usageLog = new UsageLog(config.usageLog);
  const state: GatewayState = { inFlight: 0, draining: false, onIdle: undefined, startedAt: clock.wallNow() };
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
  const handle = createRequestHandler({
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

  const server = createServer(
    { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 30_000 },
    handle,
  );
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

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
      if (state.draining) return;
      state.draining = true;
      health.stop();
      router.rejectAll();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
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
      for (const b of backends) b.close();
      await usageLog.close();
      logger.log('info', 'gateway stopped', { cutRequests: state.inFlight });
      logger.flush();
    },
  };
}
