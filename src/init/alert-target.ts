// One alert answer ("admin@example.com", "https://ntfy.sh/lab", "webhook:https://...") ⇄ an alert channel.
import { checkAlertTarget } from '../spec/fields.ts';
import { ALERT_TYPES, type AlertType } from '../spec/schema.ts';

/** An alert channel as beelab.yaml writes it. */
export interface AlertChannel {
  type: AlertType;
  target: string;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const URL_RE = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const MATRIX_ROOM = /^[!#][^\s:]+:[^\s]+$/;

/** The type a bare target implies, or undefined when nothing matches. */
function guessType(target: string): AlertType | undefined {
  if (EMAIL.test(target)) return 'email';
  if (MATRIX_ROOM.test(target)) return 'matrix';
  if (URL_RE.test(target)) return /^https?:\/\/ntfy\./.test(target) ? 'ntfy' : 'webhook';
  return undefined;
}

/** Parses an answer; an explicit "type:" prefix wins over the guess (a self-hosted ntfy has no ntfy. host). */
export function parseAlert(text: string): AlertChannel | string {
  const t = text.trim();
  const prefix = /^([a-z]+):(.*)$/.exec(t);
  if (prefix && (ALERT_TYPES as readonly string[]).includes(prefix[1]!)) {
    const type = prefix[1] as AlertType;
    return checkAlertTarget(type, prefix[2]!) ?? { type, target: prefix[2]! };
  }
  const type = guessType(t);
  if (!type) {
    return `"${t}" is not an alert target: give an e-mail address, an ntfy topic URL, a webhook URL or a Matrix room (prefix with ntfy: to force a type)`;
  }
  return checkAlertTarget(type, t) ?? { type, target: t };
}

/** The shortest answer that parses back to the same channel. */
export function formatAlert(channel: AlertChannel): string {
  return guessType(channel.target) === channel.type ? channel.target : `${channel.type}:${channel.target}`;
}
