// The JSON status page and the /v1/models list: what each backend is doing, and what can be asked for.
import type { Backend } from './backend.ts';
import type { KeyConfig } from './config-schema.ts';
import type { KeyLimits } from './key-limits.ts';
import type { Router } from './router.ts';

/** One backend as the status page shows it. */
export interface BackendStatus {
  name: string;
  kind: string;
  url: string;
  health: string;
  circuit: string;
  cooldownRemainingMs: number;
  outstanding: number;
  maxConcurrent: number;
  latencyEwmaMs: number;
  requests: number;
  failures: number;
  lastError: string | null;
  lastCheckedAt: string | null;
  models: string[];
}

export function backendStatus(b: Backend): BackendStatus {
  return {
    name: b.name,
    kind: b.config.kind,
    url: b.config.url,
    health: b.health,
    circuit: b.breaker.state,
    cooldownRemainingMs: Math.round(b.breaker.cooldownRemainingMs),
    outstanding: b.outstanding,
    maxConcurrent: b.config.maxConcurrent,
    latencyEwmaMs: Math.round(b.ewmaMs * 1000) / 1000,
    requests: b.requests,
    failures: b.failures,
    lastError: b.lastError || null,
    lastCheckedAt: b.lastCheckedAt ? new Date(b.lastCheckedAt).toISOString() : null,
    models: [...b.models].sort(),
  };
}

export function statusReport(
  backends: readonly Backend[],
  router: Router,
  keys: readonly KeyConfig[],
  limits: KeyLimits,
  extra: { draining: boolean; inFlight: number; startedAt: number },
): Record<string, unknown> {
  return {
    ready: !extra.draining && backends.some((b) => b.health === 'up'),
    draining: extra.draining,
    startedAt: new Date(extra.startedAt).toISOString(),
    inFlight: extra.inFlight,
    queueDepth: router.queueDepth,
    backends: backends.map(backendStatus),
    models: router.modelNames(),
    keys: keys.map((k) => ({ name: k.name, ...limits.snapshot(k) })),
  };
}

/** OpenAI's model list: the union of backend models plus aliases, filtered by what the key may use. */
export function modelList(router: Router, allowed: ReadonlySet<string> | undefined, created: number): string {
  const data = router
    .modelNames()
    .filter((m) => !allowed || allowed.has(m))
    .map((id) => ({ id, object: 'model', created, owned_by: 'beelab' }));
  return JSON.stringify({ object: 'list', data });
}
