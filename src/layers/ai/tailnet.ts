// The tailnet as the Site implies it: which hosts join with which tags and routes, and which flows cross it.
import { inCidr } from '../../net/ipam.ts';
import type { Endpoint, Flow, Host, HostRole, Protocol, Site } from '../../site/types.ts';
import { ADMINS_GROUP, AI_TAGS } from '../../spec/tailnet-tags.ts';

export { ADMINS_GROUP, AI_TAGS };

export interface TailnetMember {
  host: string;
  tags: string[];
  /** Subnets it advertises (CIDRs). */
  routes: string[];
}

/** A destination reached through a subnet route: a `hosts` alias of the policy. */
export interface RoutedTarget {
  alias: string;
  address: string;
}

/** A flow of the Site that crosses the tailnet, in policy selectors. */
export interface TailnetFlow {
  /** The Site flow it comes from (or `admin-ssh`). */
  id: string;
  service: string;
  src: string[];
  /** A tag or a `hosts` alias. */
  dst: string;
  protocol: Protocol;
  ports: number[];
  why: string;
}

export interface Tailnet {
  members: TailnetMember[];
  routed: RoutedTarget[];
  flows: TailnetFlow[];
  /** Flows from the tailnet that it cannot carry, and why (for the docs). */
  notCarried: { flow: Flow; reason: string }[];
  /** Every tag with its owners: Beelab's and the user's. */
  tagOwners: Record<string, string[]>;
  admins: string[];
}

const ROLE_TAGS = ['ai_head', 'ai_secondary', 'ai_agent'] as const satisfies readonly HostRole[];

/** The tags a host of the mesh joins with. */
function memberTags(site: Site, h: Host): string[] {
  const tags: string[] = ROLE_TAGS.filter((r) => h.roles.includes(r)).map((r) => AI_TAGS[r]);
  if (site.ai.gatewayHost === h.name) tags.push(AI_TAGS.gateway);
  if (site.ai.tailscale.subnetRouter?.host === h.name) tags.push(AI_TAGS.router);
  return tags;
}

/** The hosts that join the tailnet: every AI node and the subnet router. */
export function tailnetMembers(site: Site): TailnetMember[] {
  const router = site.ai.tailscale.subnetRouter;
  const routes = router ? site.vlans.filter((v) => router.vlans.includes(v.name)).map((v) => v.cidr) : [];
  return site.hosts
    .filter((h) => h.roles.includes('ai') || h.name === router?.host)
    .map((h) => ({ host: h.name, tags: memberTags(site, h), routes: h.name === router?.host ? routes : [] }));
}

/** Compiles the Site's flows into tailnet flows. */
export function tailnetModel(site: Site): Tailnet {
  const members = tailnetMembers(site);
  const byHost = new Map(members.map((m) => [m.host, m]));
  /**
   * A member's selector: for what it does as the gateway or router (calling backends, serving clients), that
   * tag; else its role tag. Role tags are shared by the Macs of a role: the policy is exact per role.
   */
  const selectorOf = (host: string, functional: boolean): string => {
    const tags = byHost.get(host)!.tags;
    const role = tags.find((t) => t !== AI_TAGS.gateway && t !== AI_TAGS.router);
    return (
      (functional ? tags.find((t) => t === AI_TAGS.gateway || t === AI_TAGS.router) : undefined) ??
      role ??
      tags[0]!
    );
  };
  const routes = members.flatMap((m) => m.routes);
  const routedAddress = (address: string) => routes.some((c) => inCidr(address, c));

  const routed = new Map<string, RoutedTarget>();
  const sources = (e: Endpoint): string[] | undefined => {
    if (e.kind === 'tailnet') return site.ai.tailscale.clients;
    const hosts =
      e.kind === 'host'
        ? [e.host]
        : e.kind === 'role'
          ? site.hosts.filter((h) => h.roles.includes(e.role)).map((h) => h.name)
          : [];
    const on = [...new Set(hosts.filter((h) => byHost.has(h)).map((h) => selectorOf(h, true)))];
    return on.length > 0 ? on : undefined;
  };

  const flows: TailnetFlow[] = [];
  const notCarried: Tailnet['notCarried'] = [];
  for (const f of site.flows) {
    const src = sources(f.from);
    if (!src) continue;
    const target =
      f.to.kind === 'host'
        ? site.hosts.find((h) => h.name === (f.to as { host: string }).host)
        : f.to.kind === 'vip'
          ? site.vips.find((v) => v.name === (f.to as { vip: string }).vip)
          : undefined;
    if (!target) continue;
    let dst: string | undefined;
    if (byHost.has(target.name)) dst = selectorOf(target.name, f.service.startsWith('ai-gateway'));
    else if (f.from.kind === 'tailnet' && routedAddress(target.address)) {
      routed.set(target.name, { alias: target.name, address: target.address });
      dst = target.name;
    } else if (f.from.kind === 'tailnet') {
      notCarried.push({
        flow: f,
        reason: `no subnet route reaches ${target.name} (${target.address}): add its VLAN to ai.tailscale.subnetRouter.vlans`,
      });
      continue;
    }
    if (!dst) continue;
    flows.push({ id: f.id, service: f.service, src, dst, protocol: f.protocol, ports: f.ports, why: f.why });
  }
  // Management: the admins reach every member over SSH (Tailscale SSH, port 22).
  const admins = site.ai.tailscale.admins;
  for (const m of admins.length > 0 ? members : [])
    flows.push({
      id: `admin-ssh@${m.host}`,
      service: 'ssh',
      src: [ADMINS_GROUP],
      dst: selectorOf(m.host, false),
      protocol: 'tcp',
      ports: [22],
      why: 'administration over Tailscale SSH',
    });

  const owners = admins.length > 0 ? [ADMINS_GROUP] : ['autogroup:admin'];
  const tagOwners: Record<string, string[]> = {};
  const used = [
    ...members.flatMap((m) => m.tags),
    ...(site.ai.tailscale.clients.includes(AI_TAGS.client) ? [AI_TAGS.client] : []),
  ];
  for (const t of used) tagOwners[t] = owners;
  for (const [t, o] of Object.entries(site.ai.tailscale.tagOwners)) tagOwners[t] = o;
  return { members, routed: [...routed.values()], flows, notCarried, tagOwners, admins };
}
