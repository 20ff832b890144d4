// Active health checks per backend kind, which also discover the models each backend serves.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Clock, TimerHandle } from '../kernel/clock.ts';
import type { Backend, HealthState } from './backend.ts';

/** What one check found. */
export interface HealthResult {
  state: HealthState;
  models?: string[];
  error?: string;
}

interface JsonReply {
  status: number;
  body: unknown;
}

function getJson(b: Backend, path: string, timeoutMs: number): Promise<JsonReply> {
  return new Promise((resolve, reject) => {
    const req = (b.isHttps ? httpsRequest : httpRequest)(
      {
        host: b.url.hostname,
        port: b.url.port,
        path,
        method: 'GET',
        agent: b.agent,
        headers: b.config.apiKey ? { authorization: `Bearer ${b.config.apiKey}` } : {},
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`health check timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function openAiModelIds(body: unknown): string[] {
  const data = (body as { data?: { id?: unknown }[] } | undefined)?.data;
  return Array.isArray(data)
    ? data.map((m) => m.id).filter((id): id is string => typeof id === 'string')
    : [];
}

function ollamaModelNames(body: unknown): string[] {
  const models = (body as { models?: { name?: unknown; model?: unknown }[] } | undefined)?.models;
  if (!Array.isArray(models)) return [];
  return models.map((m) => m.name ?? m.model).filter((n): n is string => typeof n === 'string');
}

/** Runs the check that fits the backend's kind. */
export async function checkBackend(b: Backend, timeoutMs: number): Promise<HealthResult> {
  const root = b.url.pathname.replace(/\/$/, '');
  const modelsPath = b.paths['/v1/models']!;
  try {
    switch (b.config.kind) {
      case 'ollama': {
        const r = await getJson(b, `${root}/api/tags`, timeoutMs);
        if (r.status !== 200) return { state: 'down', error: `/api/tags answered ${r.status}` };
        return { state: 'up', models: ollamaModelNames(r.body) };
      }
      case 'llamacpp':
      case 'vllm': {
        const h = await getJson(b, `${root}/health`, timeoutMs);
        // llama.cpp answers 503 while it loads the model: alive, but not ready for traffic.
        if (h.status === 503) return { state: 'loading', error: '/health answered 503 (model loading)' };
        if (h.status !== 200) return { state: 'down', error: `/health answered ${h.status}` };
        if (!b.config.discover) return { state: 'up' };
        const m = await getJson(b, modelsPath, timeoutMs);
        return { state: 'up', models: m.status === 200 ? openAiModelIds(m.body) : undefined };
      }
      default: {
        const m = await getJson(b, modelsPath, timeoutMs);
        if (m.status !== 200) return { state: 'down', error: `${modelsPath} answered ${m.status}` };
        return { state: 'up', models: openAiModelIds(m.body) };
      }
    }
  } catch (err) {
    return { state: 'down', error: (err as Error).message };
  }
}

/** Checks every backend on an interval and reports changes that affect routing. */
export class HealthChecker {
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(
    private readonly backends: readonly Backend[],
    private readonly opts: { intervalMs: number; timeoutMs: number; unhealthyAfter: number },
    private readonly clock: Clock,
    private readonly onChange: (modelsChanged: boolean) => void,
    private readonly check = checkBackend,
  ) {}

  /** Runs one round now; resolves when every backend has answered or timed out. */
  async runOnce(): Promise<void> {
    let modelsChanged = false;
    let stateChanged = false;
    await Promise.all(
      this.backends.map(async (b) => {
        const r = await this.check(b, this.opts.timeoutMs);
        const before = b.health;
        b.lastCheckedAt = this.clock.wall();
        if (r.state === 'down') {
          b.healthFailures++;
          b.lastError = r.error ?? 'down';
          // One failed check is not enough to drop a backend that was serving.
          if (before !== 'up' || b.healthFailures >= this.opts.unhealthyAfter) b.health = 'down';
        } else {
          b.healthFailures = 0;
          b.health = r.state;
          if (r.error) b.lastError = r.error;
        }
        if (b.config.discover && r.models && r.models.join('\n') !== b.discovered.join('\n')) {
          b.setDiscovered(r.models);
          modelsChanged = true;
        }
        if (before !== b.health) stateChanged = true;
      }),
    );
    if (modelsChanged || stateChanged) this.onChange(modelsChanged);
  }

  /** Checks every intervalMs from now on (the caller runs the first round itself, see runOnce). */
  start(): void {
    const schedule = () => {
      if (this.#stopped) return;
      this.#timer = this.clock.setTimer(() => void this.runOnce().finally(schedule), this.opts.intervalMs);
      this.#timer.unref?.();
    };
    schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.clock.clearTimer(this.#timer);
  }
}
