// The gateway's metric set: request and upstream counters, latency histograms, backend gauges.
import type { Backend } from './backend.ts';
import { Counter, Gauge, Histogram, LATENCY_BUCKETS, labels, labelValue, Registry } from './metrics.ts';

const STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter;
  readonly duration: Histogram;
  readonly ttfb: Histogram;
  readonly attempts: Counter;
  readonly retries: Counter;
  readonly tokens: Counter;
  /** Pre-rendered backend label per backend name. */
  readonly backendLabel = new Map<string, string>();
  /** Pre-rendered labels of the commonest attempt outcome, per backend name. */
  readonly okAttemptLabel = new Map<string, string>();

  constructor(backends: readonly Backend[], inFlight: () => number, queueDepth: () => number) {
    const r = this.registry;
    for (const b of backends) {
      this.backendLabel.set(b.name, `backend="${labelValue(b.name)}"`);
      this.okAttemptLabel.set(b.name, `backend="${labelValue(b.name)}",outcome="ok"`);
    }
    this.requests = r.add(
      new Counter('beelab_gateway_requests_total', 'Requests answered, by route and HTTP status.'),
    );
    this.duration = r.add(
      new Histogram(
        'beelab_gateway_request_duration_seconds',
        'Time from request to last byte sent.',
        LATENCY_BUCKETS,
      ),
    );
    this.ttfb = r.add(
      new Histogram(
        'beelab_gateway_upstream_first_byte_seconds',
        'Time from sending to a backend until its first body byte.',
        LATENCY_BUCKETS,
      ),
    );
    this.attempts = r.add(
      new Counter(
        'beelab_gateway_upstream_attempts_total',
        'Requests sent to backends, by backend and outcome.',
      ),
    );
    this.retries = r.add(new Counter('beelab_gateway_retries_total', 'Requests retried on another backend.'));
    this.tokens = r.add(
      new Counter('beelab_gateway_tokens_total', 'Tokens reported by backends, by key, model and kind.'),
    );
    r.add(new Gauge('beelab_gateway_in_flight', 'Requests being served now.', () => [['', inFlight()]]));
    r.add(
      new Gauge('beelab_gateway_queue_depth', 'Requests waiting for a backend slot.', () => [
        ['', queueDepth()],
      ]),
    );
    const per = (f: (b: Backend) => number) => () =>
      backends.map((b): [string, number] => [this.backendLabel.get(b.name)!, f(b)]);
    r.add(
      new Gauge(
        'beelab_gateway_backend_up',
        '1 when the last health check passed.',
        per((b) => (b.health === 'up' ? 1 : 0)),
      ),
    );
    r.add(
      new Gauge(
        'beelab_gateway_backend_loading',
        '1 while the backend reports it is loading a model.',
        per((b) => (b.health === 'loading' ? 1 : 0)),
      ),
    );
    r.add(
      new Gauge(
        'beelab_gateway_backend_outstanding',
        'Requests in flight per backend.',
        per((b) => b.outstanding),
      ),
    );
    r.add(
      new Gauge(
        'beelab_gateway_backend_circuit_state',
        'Circuit breaker: 0 closed, 1 half-open, 2 open.',
        per((b) => STATE_VALUE[b.breaker.state]),
      ),
    );
    r.add(
      new Gauge(
        'beelab_gateway_backend_cooldown_seconds',
        'Seconds until an open circuit admits a probe.',
        per((b) => b.breaker.cooldownRemainingMs / 1000),
      ),
    );
    r.add(
      new Gauge(
        'beelab_gateway_backend_circuit_opens_total',
        'Times the circuit opened.',
        per((b) => b.breaker.opens),
        'counter',
      ),
    );
    r.add(
      new Gauge(
        'beelab_gateway_backend_latency_ewma_seconds',
        'Moving average of time to first byte.',
        per((b) => b.ewmaMs / 1000),
      ),
    );
  }

  /** Label text for a route and status, e.g. route="/v1/chat/completions",code="200". */
  static readonly #routeCodes = new Map<string, Map<number, string>>();

  /** `route="…",code="…"`, rendered once per route and status (a request path makes no new string). */
  static routeCode(routeLabel: string, code: number): string {
    let byCode = GatewayMetrics.#routeCodes.get(routeLabel);
    if (!byCode) {
      byCode = new Map();
      GatewayMetrics.#routeCodes.set(routeLabel, byCode);
    }
    let text = byCode.get(code);
    if (text === undefined) {
      text = `${routeLabel},code="${code}"`;
      if (byCode.size < 100) byCode.set(code, text);
    }
    return text;
  }

  readonly #tokenLabels = new Map<string, [string, string]>();

  /** Prompt and completion label texts for a key and model, rendered once. */
  tokenLabels(key: string, model: string): [string, string] {
    const id = `${key}\u0000${model}`;
    let l = this.#tokenLabels.get(id);
    if (!l) {
      l = [labels({ key, model, kind: 'prompt' }), labels({ key, model, kind: 'completion' })];
      // Bounded: model names come from clients only after they matched a configured model.
      this.#tokenLabels.set(id, l);
    }
    return l;
  }
}
