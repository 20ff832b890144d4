// The gateway's YAML config: one zod schema, the single source of truth for its types and defaults.
import { z } from 'zod';

const ms = (def: number, what: string) =>
  z
    .number()
    .int()
    .nonnegative({ error: `${what} must be a whole number of milliseconds >= 0` })
    .default(def);

/** Kinds of backend; each has its own active health check (see health-check.ts). */
export const BACKEND_KINDS = ['ollama', 'llamacpp', 'vllm', 'mlx', 'lmstudio', 'openai'] as const;

const backendSchema = z.strictObject({
  /** Unique name used in logs, metrics and the status page. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    error: 'use letters, digits, ".", "_" or "-" (it becomes a metric label)',
  }),
  /** Server kind; picks the health check. */
  kind: z.enum(BACKEND_KINDS, { error: `kind must be one of ${BACKEND_KINDS.join(', ')}` }),
  /** Server root, e.g. http://100.64.0.2:11434 (no /v1; see apiBase). */
  url: z
    .url({
      protocol: /^https?$/,
      error: 'url must be an http:// or https:// URL such as http://127.0.0.1:11434',
    })
    .refine((u) => !/\/v1\/?$/.test(u), { error: 'give the server root without /v1 (apiBase adds it)' }),
  /** Path prefix of the OpenAI API on that server. Default /v1. */
  apiBase: z.string().startsWith('/', { error: 'apiBase must start with "/"' }).default('/v1'),
  /** Bearer token the gateway sends to this backend (not the client's key). */
  apiKey: z.string().min(1).optional(),
  /** Relative share for the weighted strategy and tie-breaking. Default 1. */
  weight: z.number().positive({ error: 'weight must be > 0' }).default(1),
  /** Most requests in flight to this backend at once; more wait in the queue. Default 8. */
  maxConcurrent: z.number().int().positive({ error: 'maxConcurrent must be an integer >= 1' }).default(8),
  /** Models this backend serves, in addition to those discovered. */
  models: z.array(z.string().min(1)).default([]),
  /** Ask the backend which models it serves on every health check. Default true. */
  discover: z.boolean().default(true),
});

/** The form of a key hash: what `beelab gateway hash-key` prints. */
export const KEY_HASH = /^sha256:[0-9a-f]{64}$/;

const keyHash = z.string().regex(KEY_HASH, {
  error: 'hash must be "sha256:" plus 64 lowercase hex digits; produce it with `beelab gateway hash-key`',
});

const keySchema = z.strictObject({
  /** Who the key belongs to; appears in logs and the usage log instead of the key. */
  name: z.string().min(1),
  /** "sha256:<64 hex>" from `beelab gateway hash-key`. */
  hash: keyHash.optional(),
  /**
   * Instead of `hash`: a file holding the "sha256:..." line (relative to this config's directory), so the
   * config can be generated and committed while the key lives elsewhere. Read when the gateway starts.
   */
  hashFile: z.string().min(1).optional(),
  /** Models (or aliases) this key may use; omitted means all. */
  models: z.array(z.string().min(1)).optional(),
  /** Requests per minute. */
  rpm: z.number().int().positive().optional(),
  /** Tokens (prompt + completion) per minute. */
  tpm: z.number().int().positive().optional(),
  /** Token budget per calendar day or month (UTC). */
  budget: z
    .strictObject({
      tokens: z.number().int().positive(),
      period: z.enum(['day', 'month'], { error: 'period must be "day" or "month"' }),
    })
    .optional(),
});

const adminKeySchema = z.strictObject({
  /** Who holds the admin key (Prometheus, an operator); never logged with the key. */
  name: z.string().min(1),
  /** "sha256:<64 hex>" from `beelab gateway hash-key`. */
  hash: keyHash,
});

export const gatewayConfigSchema = z
  .strictObject({
    listen: z
      .strictObject({
        /** Address to bind. Default 127.0.0.1; use the tailnet address to serve the mesh. */
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535, { error: 'port must be 0..65535' }).default(4000),
      })
      .prefault({}),
    limits: z
      .strictObject({
        /** Largest request body accepted; larger gets 413. Default 4 MiB. */
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(4 * 1024 * 1024),
        /**
         * Deepest nesting of arrays and objects accepted in a request body; deeper gets 400 json_too_deep
         * before it is parsed. Default 128 (tool schemas rarely pass 30). Above ~1000, re-serialising the
         * body for an alias or usage reporting can exhaust the stack; such a request is also refused 400.
         */
        maxJsonDepth: z
          .number()
          .int()
          .min(1, { error: 'maxJsonDepth must be an integer >= 1' })
          .max(10_000, { error: 'maxJsonDepth must be <= 10000' })
          .default(128),
        /** Request line plus headers; larger gets 431 (or 414 when the URL alone is too long). Default 16 KiB. */
        maxHeaderBytes: z
          .number()
          .int()
          .min(1024, { error: 'maxHeaderBytes must be >= 1024' })
          .max(1024 * 1024, { error: 'maxHeaderBytes must be <= 1048576' })
          .default(16 * 1024),
        /** Longest URL (path and query); longer gets 414. Default 8 KiB. */
        maxUrlBytes: z
          .number()
          .int()
          .min(64, { error: 'maxUrlBytes must be >= 64' })
          .default(8 * 1024),
      })
      .prefault({}),
    timeouts: z
      .strictObject({
        /** TCP connect to a backend. */
        connectMs: ms(2000, 'connectMs'),
        /** From sending the request to the backend's response headers (prompt processing). */
        firstByteMs: ms(120_000, 'firstByteMs'),
        /** Longest silence between two body chunks of a response. */
        idleMs: ms(60_000, 'idleMs'),
        /** On shutdown, how long in-flight requests may finish before they are cut. */
        drainMs: ms(30_000, 'drainMs'),
      })
      .prefault({}),
    routing: z
      .strictObject({
        strategy: z
          .enum(['least-outstanding', 'weighted', 'latency'], {
            error: 'strategy must be least-outstanding, weighted or latency',
          })
          .default('least-outstanding'),
        /** Tries per request across backends (1 = no failover). Default 3. */
        maxAttempts: z.number().int().min(1).max(10).default(3),
        /** Retries may add at most this fraction of requests, plus minPerSecond. */
        retryBudget: z
          .strictObject({
            ratio: z.number().min(0).max(1).default(0.2),
            minPerSecond: z.number().min(0).default(5),
          })
          .prefault({}),
        queue: z
          .strictObject({
            /** Requests that may wait for a free backend slot; beyond it 429. */
            max: z.number().int().min(0).default(256),
            /** How long one may wait; then 503. */
            timeoutMs: ms(30_000, 'queue.timeoutMs'),
          })
          .prefault({}),
      })
      .prefault({}),
    breaker: z
      .strictObject({
        /** Consecutive failures that open the circuit. */
        failures: z.number().int().min(1).default(3),
        /** First cooldown; doubles on each failed probe up to maxCooldownMs. */
        cooldownMs: ms(10_000, 'breaker.cooldownMs'),
        maxCooldownMs: ms(300_000, 'breaker.maxCooldownMs'),
      })
      .prefault({}),
    health: z
      .strictObject({
        intervalMs: ms(5000, 'health.intervalMs'),
        timeoutMs: ms(3000, 'health.timeoutMs'),
        /** Consecutive failed checks before a backend is marked down. */
        unhealthyAfter: z.number().int().min(1).default(2),
      })
      .prefault({}),
    backends: z.array(backendSchema).min(1, { error: 'list at least one backend' }),
    /** Alias → model name(s); a request for the alias goes to any backend serving one of them. */
    aliases: z
      .record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]))
      .default({}),
    auth: z
      .strictObject({
        /** When false and no keys are listed, the gateway is open (only sensible on loopback). */
        required: z.boolean().default(true),
        keys: z.array(keySchema).default([]),
      })
      .prefault({}),
    /**
     * /status (backend URLs, errors, key names) and /metrics (key names as labels). By default they are
     * served only on a separate listener on 127.0.0.1:4001, not on the API port.
     */
    admin: z
      .strictObject({
        /**
         * Where /status and /metrics are served: a separate { host, port } (default 127.0.0.1:4001),
         * or "main" to serve them on the API listener, which then requires admin keys.
         */
        listen: z
          .union(
            [
              z.literal('main'),
              z.strictObject({
                host: z.string().min(1).default('127.0.0.1'),
                port: z.number().int().min(0).max(65535, { error: 'port must be 0..65535' }).default(4001),
              }),
            ],
            { error: 'admin.listen must be "main" or { host, port }' },
          )
          .default({ host: '127.0.0.1', port: 4001 }),
        /** Admin keys ("sha256:..." like auth.keys); when listed, /status and /metrics need one of them. */
        keys: z.array(adminKeySchema).default([]),
      })
      .prefault({}),
    /** JSONL file that gets one line per finished request; also restores budgets on restart. */
    usageLog: z.string().min(1).optional(),
    log: z
      .strictObject({
        level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
        /** One access-log line per request (no prompt text, no key). */
        requests: z.boolean().default(true),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    flagRepeats(ctx, ['backends'], cfg.backends, 'name', (name) => `duplicate backend name "${name}"`);
    cfg.backends.forEach((b, i) => {
      if (!b.discover && b.models.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['backends', i, 'models'],
          message: 'with discover: false, list the models this backend serves',
        });
      }
    });
    cfg.auth.keys.forEach((k, i) => {
      if ((k.hash === undefined) === (k.hashFile === undefined))
        ctx.addIssue({
          code: 'custom',
          path: ['auth', 'keys', i, k.hash === undefined ? 'hash' : 'hashFile'],
          message:
            k.hash === undefined
              ? 'give the key a hash (or a hashFile holding it); produce it with `beelab gateway hash-key`'
              : 'give either hash or hashFile, not both',
        });
    });
    flagRepeats(ctx, ['auth', 'keys'], cfg.auth.keys, 'hash', 'the same key hash is listed twice');
    const admin = cfg.admin;
    if (admin.listen === 'main' && admin.keys.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['admin', 'keys'],
        message:
          'with admin.listen: main, /status and /metrics need admin keys: add one (`beelab gateway hash-key --new`) or give admin.listen a separate { host, port }',
      });
    }
    if (
      admin.listen !== 'main' &&
      admin.listen.port !== 0 &&
      admin.listen.port === cfg.listen.port &&
      (admin.listen.host === cfg.listen.host || isWildcard(admin.listen.host) || isWildcard(cfg.listen.host))
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['admin', 'listen', 'port'],
        message: `the admin listener needs its own port (listen.port is ${cfg.listen.port}); use "main" to share it`,
      });
    }
    flagRepeats(ctx, ['admin', 'keys'], admin.keys, 'hash', 'the same admin key hash is listed twice');
    if (cfg.auth.required && cfg.auth.keys.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'keys'],
        message: 'no API keys listed: add one (`beelab gateway hash-key --new`) or set auth.required: false',
      });
    }
  });

/** An issue at `[...list, i, field]` for each entry whose `field` an earlier entry of the list already had. */
function flagRepeats<F extends string>(
  ctx: z.RefinementCtx,
  list: readonly string[],
  entries: readonly Partial<Record<F, string>>[],
  field: F,
  message: string | ((value: string) => string),
): void {
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const value = entry[field];
    if (value === undefined) return;
    if (seen.has(value)) {
      ctx.addIssue({
        code: 'custom',
        path: [...list, i, field],
        message: typeof message === 'string' ? message : message(value),
      });
    }
    seen.add(value);
  });
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** The gateway config as written (before defaults). */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
/** The gateway config with every default filled in. */
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
/** One backend entry of the config. */
export type BackendConfig = GatewayConfig['backends'][number];
/** One API key entry of the config. */
export type KeyConfig = GatewayConfig['auth']['keys'][number];
/** One admin key entry of the config. */
export type AdminKeyConfig = GatewayConfig['admin']['keys'][number];
