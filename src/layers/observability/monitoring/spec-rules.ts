// Located rules over what the user declares for monitoring: a service of theirs with a metrics port that no flow
// lets Prometheus reach (the error names the missing flow and the two ways to add it).
import type { SiteContribution } from '../../../site/contribution.ts';
import type { Finding } from '../../../spec/rules/rule.ts';
import { monitorReaches } from './reach.ts';

export const monitoringSpecRules: NonNullable<SiteContribution['rules']> = (ctx, site) => {
  const monitor = site.hosts.find((h) => h.name === site.observability.monitor);
  if (!monitor) return [];
  const out: Finding[] = [];
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
