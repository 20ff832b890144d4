// Alerts to ntfy and generic JSON webhooks, retried in the background; a failed alert is logged, never fatal.
import { hostname } from 'node:os';
import type { AlertConfig } from './config-schema.ts';
import { expectOk, type HttpClient, redact } from './http-client.ts';
import type { Logger } from './logger.ts';
import { type Sleep, withRetries } from './retry.ts';

/** Something a human should hear about. */
export interface AlertEvent {
  type: 'failed' | 'restart' | 'cycle' | 'action-failed' | 'gave-up' | 'recovered' | 'self-link-down';
  target: string;
  message: string;
  /** ISO time the watchdog saw it. */
  time: string;
  details?: Record<string, unknown>;
}

const NTFY_PRIORITY: Record<AlertEvent['type'], string> = {
  failed: 'high',
  restart: 'default',
  cycle: 'high',
  'action-failed': 'urgent',
  'gave-up': 'urgent',
  recovered: 'default',
  'self-link-down': 'default',
};

const NTFY_TAGS: Record<AlertEvent['type'], string> = {
  failed: 'warning',
  restart: 'arrows_counterclockwise',
  cycle: 'electric_plug',
  'action-failed': 'rotating_light',
  'gave-up': 'rotating_light,skull',
  recovered: 'white_check_mark',
  'self-link-down': 'satellite',
};

export interface AlertSender {
  send(event: AlertEvent): void;
  /** Resolves when every queued alert has been delivered or given up on. */
  drain(): Promise<void>;
}

export function createAlertSender(
  alerts: AlertConfig[],
  deps: { http: HttpClient; sleep: Sleep; log: Logger; onFailure?: () => void },
): AlertSender {
  const pending = new Set<Promise<void>>();
  const deliver = async (cfg: AlertConfig, event: AlertEvent) => {
    const req =
      cfg.type === 'ntfy'
        ? {
            url: cfg.url,
            method: 'POST',
            timeoutMs: 10_000,
            body: event.message,
            headers: {
              Title: `beelab watchdog: ${event.target} ${event.type}`,
              Priority: NTFY_PRIORITY[event.type],
              Tags: NTFY_TAGS[event.type],
              ...(cfg.token ? { Authorization: `Bearer ${cfg.token}` } : {}),
            },
          }
        : {
            url: cfg.url,
            method: 'POST',
            timeoutMs: 10_000,
            body: JSON.stringify({ source: 'beelab-watchdog', host: hostname(), ...event }),
            headers: { 'content-type': 'application/json', ...cfg.headers },
          };
    try {
      await withRetries(3, 2000, deps.sleep, () => expectOk(deps.http, req));
    } catch (err) {
      deps.onFailure?.();
      deps.log('error', 'alert not delivered', {
        alert: redact(cfg.url),
        event: event.type,
        target: event.target,
        error: String(err),
      });
    }
  };
  return {
    send(event) {
      for (const cfg of alerts) {
        const p = deliver(cfg, event).finally(() => pending.delete(p));
        pending.add(p);
      }
    },
    async drain() {
      await Promise.all([...pending]);
    },
  };
}
