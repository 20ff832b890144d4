// Whether the Site's flows let Prometheus (the monitor host) reach a host or VIP on a port: the firewall and each
// host's own nftables are compiled from the same flows, so a scrape no flow allows would time out in production.
import type { Endpoint, Flow, Host, Protocol, Site } from '../../../site/types.ts';

function fromMatches(e: Endpoint, monitor: Host): boolean {
  switch (e.kind) {
    case 'host':
      return e.host === monitor.name;
    case 'role':
      return monitor.roles.includes(e.role);
    case 'vlan':
      return e.vlan === monitor.vlan;
    default:
      return false;
  }
}

function toMatches(e: Endpoint, target: string, host: Host | undefined): boolean {
  switch (e.kind) {
    case 'host':
      return e.host === target;
    case 'vip':
      return e.vip === target;
    case 'role':
      return host?.roles.includes(e.role) ?? false;
    case 'vlan':
      return host?.vlan === e.vlan;
    default:
      return false;
  }
}

/** True when a flow lets the monitor reach `target` (a host or VIP name) on `protocol`/`port`, or it is the monitor. */
export function monitorReaches(
  site: Pick<Site, 'hosts'>,
  flows: readonly Flow[],
  monitor: Host,
  target: string,
  protocol: Protocol,
  port?: number,
): boolean {
  if (target === monitor.name) return true;
  const host = site.hosts.find((h) => h.name === target);
  return flows.some(
    (f) =>
      f.protocol === protocol &&
      (protocol === 'icmp' || (port !== undefined && f.ports.includes(port))) &&
      fromMatches(f.from, monitor) &&
      toMatches(f.to, target, host),
  );
}
