// alertmanager.yml: the spec's alert channels as receivers, a route tree by severity (critical pages fast and
// repeats hourly, warnings wait and repeat twice a day) with each channel's severity and layer filter, and the
// inhibitions an on-call person expects: a dead host silences its services, a dead firewall what sits behind it.
import type { AlertChannel, Site } from '../../../site/types.ts';
import { ALERT_SEVERITIES } from '../../../spec/schema.ts';
import type { AlertSeverity } from './alerts.ts';

export const ALERTMANAGER_FILE = 'monitoring/alertmanager/alertmanager.yml';
/** Where the monitoring role puts the SMTP password (never in the repository). */
export const SMTP_PASSWORD_FILE = '/etc/prometheus/alertmanager/smtp-password';
/** The name of the relay's password in secrets/ (an issued secret, when observability.smtp.username is set). */
export const SMTP_PASSWORD_SECRET = 'smtp-password';
/** The receiver of alerts no channel takes (a channel limited to some layers or to critical alerts). */
export const NOBODY = 'nobody';

/** Grouping and timing per severity: criticals reach someone within seconds and repeat hourly. */
const TIMING: Record<AlertSeverity, { group_wait: string; group_interval: string; repeat_interval: string }> =
  {
    critical: { group_wait: '10s', group_interval: '1m', repeat_interval: '1h' },
    warning: { group_wait: '1m', group_interval: '5m', repeat_interval: '12h' },
  };

/** ntfy's priority and tag per severity (https://docs.ntfy.sh/publish/#message-priority). */
const NTFY: Record<AlertSeverity, { p: string; ta: string }> = {
  critical: { p: '5', ta: 'rotating_light' },
  warning: { p: '3', ta: 'warning' },
};

/**
 * ntfy (2.10 and later) fills a title and message template from the JSON body it receives (`tpl=1`): the
 * Alertmanager webhook's own payload, so no bridge is needed. Each alert's summary and runbook, one per line.
 */
const NTFY_TITLE = '[{{.status}}] {{.commonLabels.alertname}} ({{len .alerts}})';
const NTFY_MESSAGE =
  '{{range .alerts}}{{.annotations.summary}} - runbook: {{.annotations.runbook_url}}\n{{end}}';

/** The channels Alertmanager can deliver to; Matrix needs a bridge (a located warning says so). */
export function deliverable(site: Site): { channel: AlertChannel; index: number }[] {
  return site.observability.alerts
    .map((channel, index) => ({ channel, index }))
    .filter(({ channel }) => channel.type !== 'matrix');
}

/** A receiver name per channel and severity: `email-1`, `ntfy-2-critical` (ntfy pages with a priority). */
export function receiverName(channel: AlertChannel, index: number, severity: AlertSeverity): string {
  const base = `${channel.type}-${index + 1}`;
  return channel.type === 'ntfy' ? `${base}-${severity}` : base;
}

function ntfyUrl(target: string, severity: AlertSeverity): string {
  const url = new URL(target);
  url.searchParams.set('tpl', '1');
  url.searchParams.set('t', NTFY_TITLE);
  url.searchParams.set('m', NTFY_MESSAGE);
  url.searchParams.set('p', NTFY[severity].p);
  url.searchParams.set('ta', NTFY[severity].ta);
  return url.toString();
}

/** Whether a channel takes alerts of a severity: its own is the least severe it gets. */
function takes(channel: AlertChannel, severity: AlertSeverity): boolean {
  return ALERT_SEVERITIES.indexOf(severity) <= ALERT_SEVERITIES.indexOf(channel.severity);
}

function receivers(site: Site): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{ name: NOBODY }];
  const seen = new Set<string>();
  for (const { channel, index } of deliverable(site)) {
    for (const severity of ALERT_SEVERITIES.filter((x) => takes(channel, x))) {
      const name = receiverName(channel, index, severity);
      if (seen.has(name)) continue;
      seen.add(name);
      if (channel.type === 'email')
        out.push({ name, email_configs: [{ to: channel.target, send_resolved: true }] });
      else
        out.push({
          name,
          webhook_configs: [
            {
              url: channel.type === 'ntfy' ? ntfyUrl(channel.target, severity) : channel.target,
              send_resolved: true,
            },
          ],
        });
    }
  }
  return out;
}

function route(site: Site): Record<string, unknown> {
  const branches = ALERT_SEVERITIES.map((severity) => ({
    matchers: [`severity="${severity}"`],
    ...TIMING[severity],
    routes: deliverable(site)
      .filter(({ channel }) => takes(channel, severity))
      .map(({ channel, index }) => ({
        receiver: receiverName(channel, index, severity),
        ...(channel.layers ? { matchers: [`layer=~"${channel.layers.join('|')}"`] } : {}),
        // Every channel that matches gets the alert, not only the first.
        continue: true,
      })),
  }));
  return {
    receiver: NOBODY,
    // One notification per alert and layer: ten hosts down behind one switch arrive as one message.
    group_by: ['alertname', 'layer'],
    ...TIMING.warning,
    routes: branches.filter((b) => b.routes.length > 0),
  };
}

/**
 * The inhibitions: labels `level` (host: the machine is gone; service: something on it) and
 * `behind_firewall` come from the alert rules and the scrape jobs' relabelling.
 */
function inhibitRules(): Record<string, unknown>[] {
  return [
    {
      // A dead host: its services' probes and metrics fail too; only the host alert pages.
      source_matchers: ['level="host"'],
      target_matchers: ['level="service"'],
      equal: ['host'],
    },
    {
      // A dead firewall: everything Prometheus reaches through it looks down.
      source_matchers: ['alertname="FirewallDown"'],
      target_matchers: ['behind_firewall="true"'],
      equal: ['site'],
    },
  ];
}

function global(site: Site): Record<string, unknown> {
  if (!deliverable(site).some(({ channel }) => channel.type === 'email')) return {};
  const smtp = site.observability.smtp;
  if (!smtp)
    // The monitor's own MTA (a located warning asks for observability.smtp).
    return {
      smtp_smarthost: 'localhost:25',
      smtp_from: `alertmanager@${site.domain}`,
      smtp_require_tls: false,
    };
  return {
    smtp_smarthost: smtp.smarthost,
    smtp_from: smtp.from,
    // Port 25 is plain SMTP; 587 needs STARTTLS, and on 465 Alertmanager speaks TLS from the start.
    smtp_require_tls: !smtp.smarthost.endsWith(':25'),
    ...(smtp.username
      ? { smtp_auth_username: smtp.username, smtp_auth_password_file: SMTP_PASSWORD_FILE }
      : {}),
  };
}

/** The alertmanager.yml object. */
export function alertmanagerConfig(site: Site): Record<string, unknown> {
  const g = global(site);
  return {
    ...(Object.keys(g).length > 0 ? { global: g } : {}),
    route: route(site),
    inhibit_rules: inhibitRules(),
    receivers: receivers(site),
  };
}
