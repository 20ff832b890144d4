// Runtime state of one backend: load, latency, health, circuit breaker and the models it serves.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Clock } from '../kernel/clock.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { BackendConfig, GatewayConfig } from './config-schema.ts';

/** Result of the last active health check. unknown = not checked yet (still routable). */
export type HealthState = 'unknown' | 'up' | 'loading' | 'down';

export class Backend {
  readonly name: string;
  readonly config: BackendConfig;
  readonly breaker: CircuitBreaker;
  readonly agent: HttpAgent;
  readonly url: URL;
  readonly isHttps: boolean;
  /** Upstream request path per gateway route, e.g. /v1/chat/completions → /v1/chat/completions. */
  readonly paths: Record<string, string>;
  /** Headers every upstream request carries; per request only content-length is added. */
  readonly baseHeaders: Record<string, string>;

  outstanding = 0;
  health: HealthState = 'unknown';
  healthFailures = 0;
  lastError = '';
  lastCheckedAt = 0;
  /** Moving average of time to response headers, ms; 0 until the first sample. */
  ewmaMs = 0;
  /** Smooth weighted round-robin accumulator. */
  currentWeight = 0;
  requests = 0;
  failures = 0;
  /** Declared plus discovered model names. */
  models = new Set<string>();
  discovered: string[] = [];

  constructor(config: BackendConfig, gw: GatewayConfig, clock: Clock) {
    this.name = config.name;
    this.config = config;
    this.url = new URL(config.url);
    this.isHttps = this.url.protocol === 'https:';
    this.breaker = new CircuitBreaker(clock, gw.breaker);
    const agentOpts = {
      keepAlive: true,
      keepAliveMsecs: 10_000,
      maxSockets: config.maxConcurrent + 4,
      maxFreeSockets: config.maxConcurrent + 4,
      scheduling: 'lifo' as const,
    };
    this.agent = this.isHttps ? new HttpsAgent(agentOpts) : new HttpAgent(agentOpts);
    const root = this.url.pathname.replace(/\/$/, '');
    const base = root + config.apiBase.replace(/\/$/, '');
    this.paths = {
      '/v1/chat/completions': `${base}/chat/completions`,
      '/v1/completions': `${base}/completions`,
      '/v1/embeddings': `${base}/embeddings`,
      '/v1/models': `${base}/models`,
    };
    this.baseHeaders = { host: this.url.host, 'content-type': 'application/json', accept: '*/*' };
    if (config.apiKey) this.baseHeaders.authorization = `Bearer ${config.apiKey}`;
    this.setDiscovered([]);
  }

  /** Replaces the discovered model list (declared models always stay). */
  setDiscovered(names: string[]): void {
    this.discovered = names;
    this.models = new Set([...this.config.models, ...names]);
  }

  /** Routable: not known-down, not loading, circuit allows, below its concurrency limit. */
  get routable(): boolean {
    return (this.health === 'up' || this.health === 'unknown') && this.breaker.available;
  }

  get hasSlot(): boolean {
    return this.outstanding < this.config.maxConcurrent;
  }

  recordLatency(ms: number): void {
    this.ewmaMs = this.ewmaMs === 0 ? ms : this.ewmaMs * 0.8 + ms * 0.2;
  }

  close(): void {
    this.agent.destroy();
  }
}
