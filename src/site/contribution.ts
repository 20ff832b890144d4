// What a layer contributes to the Site: its hosts and VMs, VIPs, pools, services and its slice of the Site.
import type { Versions } from '../catalog/versions.ts';
import type { Finding, RuleContext } from '../spec/rules/rule.ts';
import type { Spec } from '../spec/schema.ts';
import type { Endpoint, Flow, Host, HostRole, LbPool, Port, Service, Site, Vlan } from './types.ts';

/**
 * Where a contribution stands in the Site's lists: lower first, ties in registry order. Order is part of
 * the contract, not cosmetics: addresses are allocated in host order on a fresh lock, VMs are placed in
 * that order, and every rendered list follows it. Leave gaps (steps of 10) so a new layer fits between.
 */
export type Ordered<T> = T & { order: number };

/** A host whose address, VM id, MAC and placement are still to be allocated. */
export interface HostRequest extends Omit<Host, 'address' | 'fqdn' | 'vm'> {
  /** Address the user wrote, if any. */
  fixedAddress?: string;
  /** VMs only: size and the group used to spread replicas over nodes. */
  vm?: { cores: number; memoryGb: number; diskGb: number; group: string };
}

/** A virtual address a layer needs, taken from its VLAN's VIP range. */
export interface VipRequest {
  name: string;
  vlan: string;
  purpose: string;
}

/** The first stage: the spec with tier defaults and the carved VLANs. */
export interface PlanContext {
  /** The spec with the tier's defaults applied (layers never see the raw file). */
  spec: Spec;
  vlans: Vlan[];
  /** The VLAN for a purpose, falling back to broader ones when the site has fewer VLANs. */
  vlanFor(purpose: Vlan['purpose']): string;
  /** True when the spec has a Proxmox VE node (role primary or compute): only then are VMs generated. */
  hypervisors: boolean;
  /** The site's versions catalog (versions.yaml over Beelab's defaults). */
  versions: Versions;
}

/** After hosts are known: VIPs and pools depend on which roles the site has. */
export interface HostsContext extends PlanContext {
  requests: HostRequest[];
  hasRole(role: HostRole): boolean;
}

/** After allocation: every host with its address, plus the VIPs and pools. */
export interface ResolvedContext extends PlanContext {
  domain: string;
  hosts: Host[];
  /** Names of the hosts with a role, in host order. */
  withRole(role: HostRole): string[];
  /** The VLAN of a purpose, without fallback. */
  vlanOf(purpose: Vlan['purpose']): string | undefined;
}

/** For services: the resolved hosts, VIPs and pools, and the two consumers most services name. */
export interface ServicesContext extends ResolvedContext, Pick<Site, 'vips' | 'pools'> {
  /** The management VLAN as a consumer (the first VLAN when none has purpose management). */
  mgmt: { kind: 'vlan'; vlan: string };
  /** Prometheus, which scrapes metrics and probes health. */
  monitor: Endpoint;
}

/** The parts of the Site that belong to one layer; every layer fills its own keys. */
export type SiteSlices = Pick<
  Site,
  | 'firewall'
  | 'storage'
  | 'ups'
  | 'production'
  | 'devops'
  | 'ai'
  | 'backup'
  | 'observability'
  | 'watchdogs'
  | 'rack'
>;

/** A layer's part of the Site; the resolver only orders, allocates and assembles. All pure. */
export interface SiteContribution {
  hosts?(ctx: PlanContext): Ordered<HostRequest>[];
  /** Roles this layer gives hosts that other layers contribute (an agent on every capable host), by host name. */
  hostRoles?(ctx: HostsContext): Map<string, HostRole[]>;
  vips?(ctx: HostsContext): VipRequest[];
  pools?(ctx: HostsContext): LbPool[];
  services?(ctx: ServicesContext): Ordered<Service>[];
  slice?(ctx: ResolvedContext & Pick<Site, 'vips' | 'pools' | 'services'>): Partial<SiteSlices>;
  /** Flows no service declares (the user's own `flows`); service flows are derived from consumers. */
  flows?(ctx: ResolvedContext & Pick<Site, 'vips' | 'services'>): Flow[];
  /**
   * Spec rules that know the layer, judged against the resolved Site (against the lock when loading a site
   * directory) and located in beelab.yaml by their path, like every spec rule; never throws on input.
   */
  rules?(ctx: RuleContext, site: Site): Finding[];
}

export const tcp = (name: string, port: number): Port => ({ name, port, protocol: 'tcp' });
export const udp = (name: string, port: number): Port => ({ name, port, protocol: 'udp' });

/** A service with the defaults every catalog entry shares (no volumes, not proxied). */
export function service(
  order: number,
  s: Omit<Service, 'volumes' | 'proxied'> & Partial<Pick<Service, 'volumes' | 'proxied'>>,
): Ordered<Service> {
  return { volumes: [], proxied: false, ...s, order };
}

/** A VM request: no drives of its own, sized and grouped for placement. */
export function vmRequest(
  order: number,
  name: string,
  vlan: string,
  roles: HostRole[],
  layers: string[],
  os: Host['os'],
  size: { cores: number; memoryGb: number; diskGb: number },
  group: string,
): Ordered<HostRequest> {
  return { name, kind: 'vm', roles, layers, vlan, os, drives: [], vm: { ...size, group }, order };
}

/** `count` VMs of one placement group, named `<group>1`, `<group>2`, ...: a cluster's control planes or workers. */
export function vmSeries(
  count: number,
  order: number,
  group: string,
  vlan: string,
  roles: HostRole[],
  layers: string[],
  os: Host['os'],
  size: { cores: number; memoryGb: number; diskGb: number },
): Ordered<HostRequest>[] {
  return Array.from({ length: count }, (_, i) =>
    vmRequest(order, `${group}${i + 1}`, vlan, roles, layers, os, size, group),
  );
}
