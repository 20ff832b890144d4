// Located rules over what the user declares for monitoring: a service of theirs with a metrics port that no flow
// lets Prometheus reach (the error names the missing flow and the two ways to add it), and alert channels
// Alertmanager cannot deliver to as written.
import type { SiteContribution } from '../../../site/contribution.ts';
import type { Site } from '../../../site/types.ts';
import type { Finding, RuleContext } from '../../../spec/rules/rule.ts';
import { monitorReaches } from './reach.ts';

export const monitoringSpecRules: NonNullable<SiteContribution['rules']> = (ctx, site) => {
  const monitor = site.hosts.find((h) => h.name === site.observability.monitor);
  if (!monitor) return [];
  const out: Finding[] = [...alertChannelRules(ctx, site)];
  (ctx.spec.services ?? []).forEach((s, i) => {
    if (!s.metrics) return;
    const port = s.ports.find((p) => p.name === s.metrics!.port);
    // An unknown port name or host is reported by the own-service rules.
    if (!port || (port.protocol ?? 'tcp') !== 'tcp' || !site.hosts.some((h) => h.name === s.host)) return;
    if (monitorReaches(site, site.flows, monitor, s.host, 'tcp', port.port)) return;
    const flow = `{ from: { role: prometheus }, to: { host: ${s.host} }, protocol: tcp, ports: [${port.port}], why: Prometheus scrapes its metrics }`;
    out.push({
      code: 'monitoring/metrics-unreachable',
      path: ['services', i, 'metrics', 'port'],
      message: `services[${i}] "${s.name}" serves metrics on ${s.host}:${port.port} (tcp), but no flow lets Prometheus (${monitor.name}, VLAN ${monitor.vlan}) reach it: the flow role:prometheus -> ${s.host} tcp ${port.port} is missing`,
      hint: `add \`{ role: prometheus }\` to services[${i}].consumers, or this flow to \`flows:\` ${flow}`,
    });
  });
  return out;
};

/** Alert channels Alertmanager cannot deliver to as written: Matrix (no receiver), e-mail without a relay. */
function alertChannelRules(ctx: RuleContext, site: Site): Finding[] {
  const out: Finding[] = [];
  const channels = ctx.spec.observability?.alerts ?? [];
  channels.forEach((a, i) => {
    if (a.type === 'matrix')
      out.push({
        code: 'alerts/matrix-unsupported',
        severity: 'warning',
        path: ['observability', 'alerts', i, 'type'],
        message: `observability.alerts[${i}] is a Matrix room, but Alertmanager has no Matrix receiver: alerts will not reach ${a.target}`,
        hint: 'run a bridge such as matrix-alertmanager-receiver and add it as { type: webhook, target: <its URL> }',
      });
    if (a.type === 'email' && !site.observability.smtp)
      out.push({
        code: 'alerts/no-smtp',
        severity: 'warning',
        path: ['observability', 'alerts', i, 'target'],
        message: `observability.alerts[${i}] sends e-mail to ${a.target}, but there is no mail relay: Alertmanager hands it to an MTA on ${site.observability.monitor}:25, which Beelab does not install`,
        hint: 'add observability.smtp: { smarthost: smtp.example.com:587, username: alerts@example.com } (then store its password with `beelab secrets set smtp-password --from FILE`)',
      });
  });
  return out;
}
