// The flows Prometheus needs beyond what the catalog's consumers give: the metrics ports of catalog services (a
// proxied app's own port, which only the reverse proxy may otherwise reach), proxied names on HTTPS, the
// exporter backends (NUT), and ping to every VLAN. Health ports are probed where the service already admits it. A service the user declares in beelab.yaml gets
// none: a metrics port it leaves unreachable is a located error instead (spec-rules.ts).
import type { SiteContribution } from '../../../site/contribution.ts';
import { buildFlows } from '../../../site/flows.ts';
import type { Flow } from '../../../site/types.ts';
import { probes } from './probes.ts';
import { monitorReaches } from './reach.ts';

type FlowsContext = Parameters<NonNullable<SiteContribution['flows']>>[0];

const WHY: Record<string, string> = {
  metrics: 'Prometheus scrapes its /metrics',
  http: 'Prometheus probes its health check',
  tcp: 'Prometheus probes its port',
  'https-name': 'Prometheus probes its proxied name and certificate',
  'pve-api': 'the Proxmox VE exporter on the monitor reads its API',
  'pbs-api': 'the PBS exporter on the monitor reads its API',
  nut: 'the NUT exporter on the monitor reads the UPS',
};

export function monitoringFlows(ctx: FlowsContext): Flow[] {
  const monitor = ctx.hosts.find((h) => h.roles.includes('prometheus'));
  if (!monitor) return [];
  const flows = buildFlows(ctx.services, ctx.vips);
  const added: Flow[] = [];
  const from = { kind: 'role', role: 'prometheus' } as const;
  for (const v of ctx.vlans) {
    added.push({
      id: `monitoring:icmp->vlan:${v.name}`,
      service: 'prometheus',
      from,
      to: { kind: 'vlan', vlan: v.name },
      protocol: 'icmp',
      ports: [],
      why: 'Prometheus pings every host (blackbox ICMP probe)',
    });
  }
  const isVip = new Set(ctx.vips.map((v) => v.name));
  for (const p of probes(ctx)) {
    if (!p.service || p.service.kind === 'own' || p.port === undefined) continue;
    // A health port stays as closed as its service made it (the Wazuh API is for management only): probed
    // when its consumers already let Prometheus in.
    if (p.kind === 'http' || p.kind === 'tcp') continue;
    if (monitorReaches(ctx, [...flows, ...added], monitor, p.target, p.protocol, p.port)) continue;
    added.push({
      id: `monitoring:${p.kind}->${p.service.name}@${p.target}/${p.protocol}`,
      service: p.service.name,
      from,
      to: isVip.has(p.target) ? { kind: 'vip', vip: p.target } : { kind: 'host', host: p.target },
      protocol: p.protocol,
      ports: [p.port],
      why: WHY[p.kind] ?? 'Prometheus',
    });
  }
  return added;
}
