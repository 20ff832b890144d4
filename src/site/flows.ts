// Flows: who must reach which service on which port, derived from each service's consumers.
import type { Endpoint, Flow, Host, Protocol, Service, Vip } from './types.ts';

export function endpointName(e: Endpoint): string {
  switch (e.kind) {
    case 'vlan':
      return `vlan:${e.vlan}`;
    case 'host':
      return e.host;
    case 'vip':
      return `vip:${e.vip}`;
    case 'role':
      return `role:${e.role}`;
    case 'tailnet':
      return 'tailnet';
    case 'internet':
      return 'internet';
  }
}

/**
 * Does the endpoint stand for this host (as a source or destination)? A VIP covers the hosts `vipHosts`
 * lists for it; without that map, none. `tailnet` and `internet` cover no Site host.
 */
export function endpointCovers(
  e: Endpoint,
  h: Host,
  vipHosts?: ReadonlyMap<string, ReadonlySet<string>>,
): boolean {
  switch (e.kind) {
    case 'host':
      return e.host === h.name;
    case 'role':
      return h.roles.includes(e.role);
    case 'vlan':
      return e.vlan === h.vlan;
    case 'vip':
      return vipHosts?.get(e.vip)?.has(h.name) ?? false;
    default:
      return false;
  }
}

/**
 * One flow per (consumer, service host, protocol). Proxied apps are reached on HTTPS only: the
 * reverse proxy on the same host forwards to the app's own port, which nothing else may reach.
 */
export function buildFlows(services: Service[], vips: Vip[]): Flow[] {
  const vipNames = new Set(vips.map((v) => v.name));
  const flows: Flow[] = [];
  for (const s of services) {
    const ports = s.proxied ? s.ports.filter((p) => p.name === 'https') : s.ports;
    const byProto = new Map<Protocol, number[]>();
    for (const p of ports) byProto.set(p.protocol, [...(byProto.get(p.protocol) ?? []), p.port]);
    for (const target of s.hosts) {
      const to: Endpoint = vipNames.has(target)
        ? { kind: 'vip', vip: target }
        : { kind: 'host', host: target };
      for (const from of s.consumers) {
        if (from.kind === 'host' && from.host === target) continue;
        for (const [protocol, list] of byProto) {
          const sorted = [...new Set(list)].sort((a, b) => a - b);
          flows.push({
            id: `${endpointName(from)}->${s.name}@${target}/${protocol}`,
            service: s.name,
            from,
            to,
            protocol,
            ports: sorted,
            why: s.description,
          });
        }
      }
    }
  }
  return flows;
}
