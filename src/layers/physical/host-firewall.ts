// What each Linux host's own nftables firewall admits: exactly the Site's flows that end on it, plus SSH from management.
// The site firewall only sees traffic between VLANs; this covers traffic inside a VLAN too.
import { inCidr, sortAddresses } from '../../net/ipam.ts';
import type { Endpoint, Flow, Host, Protocol, Site } from '../../site/types.ts';

/** Tailscale's CGNAT range: where tailnet clients come from. */
export const TAILNET_CIDR = '100.64.0.0/10';

/** One accept rule of a host firewall; `from` empty means any source. */
export interface HostAllow {
  proto: Protocol;
  /** Empty for ICMP. */
  ports: number[];
  from: string[];
  /** Services and flows it serves, for the rule's comment. */
  why: string;
}

/** Whether a host runs the base role's nftables firewall, and why not when it does not. */
export function hostFirewallExemption(site: Site, host: Host): string | undefined {
  if (host.os === 'proxmox-ve')
    return "Proxmox VE's own firewall (pve-firewall) owns this host's packet filter (corosync, migration, console ports)";
  if (host.roles.includes('k3s'))
    return "k3s with Cilium programs this host's packet filter; its cluster ports come with the orchestration layer";
  if (host.roles.includes('honeypot'))
    return 'T-Pot is meant to be reached on every port; its VLAN is isolated by the site firewall instead';
  if (site.firewall.host === host.name) return 'the site firewall itself';
  return undefined;
}

/** Hosts that answer on a VIP: the cluster members that hold it. */
function vipHolders(site: Site, vip: string): string[] {
  if (site.devops.vip === vip) return site.devops.servers;
  if (site.production.vip === vip) return site.production.controlPlanes;
  return [];
}

function covers(site: Site, to: Endpoint, host: Host): boolean {
  switch (to.kind) {
    case 'host':
      return to.host === host.name;
    case 'role':
      return host.roles.includes(to.role);
    case 'vlan':
      return to.vlan === host.vlan;
    case 'vip':
      return vipHolders(site, to.vip).includes(host.name);
    default:
      return false;
  }
}

/**
 * Source addresses of an endpoint as seen by `dest`; undefined = any. The site firewall sends from its
 * address on the destination's VLAN (its gateway there) as well as its management address.
 */
function sources(site: Site, from: Endpoint, dest: Host, hosts: Map<string, Host>): string[] | undefined {
  const gatewayFor = (h: Host) =>
    h.name === site.firewall.host
      ? [h.address, site.vlans.find((v) => v.name === dest.vlan)?.gateway ?? h.address]
      : [h.address];
  switch (from.kind) {
    case 'vlan':
      return [site.vlans.find((v) => v.name === from.vlan)?.cidr ?? from.vlan];
    case 'host': {
      const h = hosts.get(from.host);
      return h ? gatewayFor(h) : [];
    }
    case 'role':
      return site.hosts.filter((h) => h.roles.includes(from.role)).flatMap(gatewayFor);
    case 'vip':
      return site.vips.filter((v) => v.name === from.vip).map((v) => v.address);
    case 'tailnet':
      return [TAILNET_CIDR];
    case 'internet':
      return undefined;
  }
}

/** The accept rules for one host, merged by protocol, ports and source, in a stable order. */
export function hostFirewall(site: Site, host: Host): HostAllow[] {
  const hosts = new Map(site.hosts.map((h) => [h.name, h]));
  const mgmt = site.vlans.find((v) => v.purpose === 'management') ?? site.vlans[0];
  const rules = new Map<
    string,
    { proto: Protocol; ports: number[]; from: Set<string> | null; why: Set<string> }
  >();
  const add = (flow: Pick<Flow, 'protocol' | 'ports' | 'service'>, from: string[] | undefined) => {
    const ports = [...new Set(flow.ports)].sort((a, b) => a - b);
    const key = `${flow.protocol}:${ports.join(',')}:${flow.service}`;
    const r = rules.get(key) ?? { proto: flow.protocol, ports, from: new Set<string>(), why: new Set() };
    if (from === undefined) r.from = null;
    else if (r.from) for (const a of from) if (a !== host.address) r.from.add(a);
    r.why.add(flow.service);
    rules.set(key, r);
  };
  if (mgmt) add({ protocol: 'tcp', ports: [22], service: 'ssh from management' }, [mgmt.cidr]);
  for (const flow of site.flows) {
    if (!covers(site, flow.to, host)) continue;
    // A flow from the host to itself (a role that includes it) needs no rule: loopback and own address pass.
    const from = sources(site, flow.from, host, hosts);
    if (from && from.filter((a) => a !== host.address).length === 0) continue;
    add(flow, from);
  }
  // Services on the same port from the same sources share one rule; its comment names them all.
  const merged = new Map<string, HostAllow>();
  for (const r of rules.values()) {
    const from = r.from ? sortSources([...r.from]) : [];
    const key = `${r.proto}:${r.ports.join(',')}:${from.join(',')}`;
    const prev = merged.get(key);
    const why = [...r.why];
    if (prev) prev.why = [...new Set([...prev.why.split(', '), ...why])].sort().join(', ');
    else merged.set(key, { proto: r.proto, ports: r.ports, from, why: why.sort().join(', ') });
  }
  return [...merged.values()].sort(
    (a, b) =>
      a.proto.localeCompare(b.proto) || (a.ports[0] ?? 0) - (b.ports[0] ?? 0) || a.why.localeCompare(b.why),
  );
}

/** Addresses in numeric order, then networks; an address a listed network already holds is left out. */
function sortSources(from: string[]): string[] {
  const nets = from.filter((a) => a.includes('/')).sort();
  const alone = from.filter((a) => !a.includes('/') && !nets.some((n) => inCidr(a, n)));
  return [...sortAddresses(alone), ...nets];
}
