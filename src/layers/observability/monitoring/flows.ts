// The flows Prometheus needs beyond what the catalog's consumers give: the metrics ports of catalog services (a
// proxied app's own port, which only the reverse proxy may otherwise reach), proxied names on HTTPS, the
// exporter backends (NUT), and ping to every VLAN; Alertmanager's to alert channels inside the site. Health
// ports are probed where the service already admits it. A service the user declares in beelab.yaml gets none: a metrics port it leaves unreachable is a located error instead (spec-rules.ts).

import { inCidr, isValidIp } from '../../../net/ipam.ts';
import type { SiteContribution } from '../../../site/contribution.ts';
import { buildFlows } from '../../../site/flows.ts';
import type { Endpoint, Flow } from '../../../site/types.ts';
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
  return [...added, ...alertmanagerFlows(ctx)];
}

/** Where a URL or host:port points inside the site: a host (by address, name or FQDN) or a VLAN's range. */
function insideSite(ctx: FlowsContext, host: string): Endpoint | undefined {
  const h = ctx.hosts.find((x) => x.address === host || x.name === host || x.fqdn === host);
  if (h) return { kind: 'host', host: h.name };
  const vlan = isValidIp(host) ? ctx.vlans.find((v) => inCidr(host, v.cidr)) : undefined;
  return vlan
    ? { kind: 'vlan', vlan: vlan.name, because: 'an alert channel at an address no host of the site has' }
    : undefined;
}

/**
 * Alertmanager's way to its channels when they are inside the site (a webhook receiver on the management
 * VLAN, a self-hosted ntfy, the mail relay); the internet is reached through each VLAN's egress.
 */
function alertmanagerFlows(ctx: FlowsContext): Flow[] {
  const out: Flow[] = [];
  const from = { kind: 'role', role: 'alertmanager' } as const;
  const add = (what: string, host: string, port: number) => {
    const to = insideSite(ctx, host);
    const id = `monitoring:alerts->${what}`;
    if (to && !out.some((f) => f.id === id))
      out.push({
        id,
        service: 'alertmanager',
        from,
        to,
        protocol: 'tcp',
        ports: [port],
        why: 'Alertmanager sends alerts',
      });
  };
  for (const a of ctx.spec.observability?.alerts ?? []) {
    if (a.type !== 'ntfy' && a.type !== 'webhook') continue;
    if (!URL.canParse(a.target)) continue; // the spec rules report it
    const url = new URL(a.target);
    add(`${a.type}@${url.host}`, url.hostname, Number(url.port) || (url.protocol === 'https:' ? 443 : 80));
  }
  const relay = ctx.spec.observability?.smtp?.smarthost;
  const at = relay?.lastIndexOf(':') ?? -1;
  if (relay && at > 0) add(`smtp@${relay}`, relay.slice(0, at), Number(relay.slice(at + 1)));
  return out;
}
