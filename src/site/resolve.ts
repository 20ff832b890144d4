// resolve(spec, lock, contributions) → Site: pure and deterministic; every allocation goes through the lock.
// The layers say what the Site holds (src/layers/*/site.ts); this module only orders, allocates and assembles.
import { BUILTIN_VERSIONS, type Versions } from '../catalog/versions.ts';
import { UserError } from '../errors.ts';
import { isPrivate, parseCidr } from '../net/ipam.ts';
import { DEFAULTS } from '../spec/defaults.ts';
import type { Spec } from '../spec/schema.ts';
import { withTierDefaults } from '../spec/tiers.ts';
import { allocateAddresses, allocateMacs, allocateVmids, placeVms, RangePool } from './allocate.ts';
import { withAppPins } from './app-pins.ts';
import type {
  HostRequest,
  Ordered,
  PlanContext,
  ResolvedContext,
  SiteContribution,
  SiteSlices,
} from './contribution.ts';
import { buildFlows } from './flows.ts';
import { type Lock, LockBook, type LockChange } from './lock.ts';
import type { Host, HostRole, Site, Vip, Vlan } from './types.ts';
import { resolveVlans, vlanFor } from './vlans.ts';

export interface Resolved {
  site: Site;
  /** The lock to write back: every allocation of this Site, and nothing else. */
  lock: Lock;
  /** Allocations the previous lock held with another value (a host moved VLAN, or the lock was damaged). */
  lockChanges: LockChange[];
}

/** Stable sort by `order`; equal orders keep the order they were contributed in (registry order). */
function byOrder<T>(items: Ordered<T>[]): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => a.item.order - b.item.order || a.i - b.i)
    .map(({ item }) => {
      const { order: _order, ...rest } = item;
      return rest as T;
    });
}

/** The first stage every later one builds on: tier defaults applied, VLANs carved. */
export function planContext(spec: Spec, vlans: Vlan[], versions: Versions = BUILTIN_VERSIONS): PlanContext {
  return {
    spec,
    vlans,
    versions,
    vlanFor: (purpose) => vlanFor(vlans, purpose),
    hypervisors: (spec.nodes ?? []).some((n) => n.role === 'primary' || n.role === 'compute'),
  };
}

/** Every host the layers ask for, in Site order, before any allocation. */
export function hostRequests(ctx: PlanContext, contributions: readonly SiteContribution[]): HostRequest[] {
  return byOrder(contributions.flatMap((c) => c.hosts?.(ctx) ?? []));
}

export function resolve(
  input: Spec,
  oldLock: Lock | undefined,
  contributions: readonly SiteContribution[],
  versions: Versions = BUILTIN_VERSIONS,
): Resolved {
  const spec = withTierDefaults(input);
  const book = new LockBook(oldLock);
  const supernetText = spec.network?.supernet ?? DEFAULTS.supernet;
  const supernet = parseCidr(supernetText);
  if (!supernet || !isPrivate(supernet)) {
    throw new UserError(
      `network.supernet ${supernetText} must be a private IPv4 range (10/8, 172.16/12, 192.168/16)`,
    );
  }
  const specVlans = spec.network?.vlans ?? [];
  if (specVlans.length === 0)
    throw new UserError('network.vlans is empty: a site needs at least a management VLAN');
  const vlans = resolveVlans(specVlans, supernet, book);
  const vlanByName = new Map(vlans.map((v) => [v.name, v]));
  const ctx = planContext(spec, vlans, withAppPins(spec, versions));

  const requests = hostRequests(ctx, contributions);
  const hasRole = (role: HostRole) => requests.some((r) => r.roles.includes(role));
  for (const c of contributions) {
    for (const [name, roles] of c.hostRoles?.({ ...ctx, requests, hasRole }) ?? []) {
      const host = requests.find((r) => r.name === name);
      if (host) host.roles = [...host.roles, ...roles.filter((r) => !host.roles.includes(r))];
    }
  }
  const lost = requests.find((r) => !vlanByName.has(r.vlan));
  if (lost) {
    throw new UserError(`host ${lost.name} is on VLAN ${lost.vlan}, which network.vlans does not have`, [
      `  hint: VLANs: ${vlans.map((v) => v.name).join(', ')}`,
    ]);
  }
  const firewall = requests.find((r) => r.roles.includes('firewall'));
  if (!firewall) throw new Error('resolve: no layer contributed the firewall host');
  const vms = requests.filter((r) => r.kind === 'vm');
  const pveNodes = requests
    .filter((r) => r.kind === 'physical' && r.roles.includes('pve'))
    .map((r) => ({ name: r.name, memoryGb: r.memoryGb ?? 64 }));
  if (vms.length > 0 && pveNodes.length === 0) {
    throw new UserError('nodes: the site has VMs to run but no Proxmox node (role primary or compute)');
  }
  // VMs the user pinned (compute.vms); a pin the spec rules reject (no such VM or node) is ignored here.
  const pins = (spec.compute?.vms ?? []).filter((p) => vms.some((v) => v.name === p.name));
  const nodePins = new Map(pins.flatMap((p) => (p.node ? [[p.name, p.node] as const] : [])));
  const vmidPins = new Map(pins.flatMap((p) => (p.vmid !== undefined ? [[p.name, p.vmid] as const] : [])));
  const placements = vms.length > 0 ? placeVms(vms, pveNodes, book, nodePins) : new Map<string, string>();
  const vmNames = vms.map((v) => v.name);
  const vmids = allocateVmids(vmNames, book, vmidPins);
  const macs = allocateMacs(spec.site.name, vmNames, book);

  const staticPools = new Map(vlans.map((v) => [v.name, new RangePool(v, v.staticRange, 'static')]));
  const mgmt = vlanByName.get(firewall.vlan)!;
  const addresses = allocateAddresses(
    requests.map((r) => ({
      key: `host/${r.name}`,
      vlan: vlanByName.get(r.vlan)!,
      // The firewall is every VLAN's gateway: on its own VLAN it holds the gateway address.
      ...(r === firewall ? { fixed: mgmt.gateway } : r.fixedAddress ? { fixed: r.fixedAddress } : {}),
    })),
    staticPools,
    book,
  );

  const hostsCtx = { ...ctx, requests, hasRole };
  const vipRequests = contributions.flatMap((c) => c.vips?.(hostsCtx) ?? []);
  const vipPools = new Map(vlans.map((v) => [v.name, new RangePool(v, v.vipRange, 'VIP')]));
  const vipAddr = allocateAddresses(
    vipRequests.map((v) => ({ key: `vip/${v.name}`, vlan: vlanByName.get(v.vlan)! })),
    vipPools,
    book,
  );
  const vips: Vip[] = vipRequests.map((v) => ({
    key: `vip/${v.name}`,
    name: v.name,
    fqdn: `${v.name}.${spec.site.domain}`,
    vlan: v.vlan,
    address: vipAddr.get(`vip/${v.name}`)!,
    purpose: v.purpose,
  }));
  const pools = contributions.flatMap((c) => c.pools?.(hostsCtx) ?? []);

  const hosts: Host[] = requests.map((r) => {
    const { fixedAddress: _fixed, vm, ...rest } = r;
    const host: Host = {
      ...rest,
      fqdn: `${r.name}.${spec.site.domain}`,
      address: addresses.get(`host/${r.name}`)!,
    };
    if (vm) {
      host.vm = {
        node: placements.get(r.name)!,
        vmid: vmids.get(r.name)!,
        cores: vm.cores,
        memoryGb: vm.memoryGb,
        diskGb: vm.diskGb,
      };
      host.mac = macs.get(r.name)!;
    }
    return host;
  });

  const resolvedCtx: ResolvedContext = {
    ...ctx,
    domain: spec.site.domain,
    hosts,
    withRole: (role) => hosts.filter((h) => h.roles.includes(role)).map((h) => h.name),
    vlanOf: (purpose) => vlans.find((v) => v.purpose === purpose)?.name,
  };
  const services = byOrder(
    contributions.flatMap(
      (c) =>
        c.services?.({
          ...resolvedCtx,
          vips,
          pools,
          mgmt: { kind: 'vlan', vlan: resolvedCtx.vlanOf('management') ?? vlans[0]!.name },
          monitor: { kind: 'role', role: 'prometheus' },
        }) ?? [],
    ),
  );
  const flows = [
    ...buildFlows(services, vips),
    ...contributions.flatMap((c) => c.flows?.({ ...resolvedCtx, vips, services }) ?? []),
  ];
  const slices: Partial<SiteSlices> = {};
  for (const c of contributions) Object.assign(slices, c.slice?.({ ...resolvedCtx, vips, pools, services }));
  const missing = SLICE_KEYS.filter((k) => !(k in slices));
  if (missing.length > 0) throw new Error(`resolve: no layer contributed Site.${missing.join(', Site.')}`);

  const site: Site = {
    name: spec.site.name,
    domain: spec.site.domain,
    timezone: spec.site.timezone ?? DEFAULTS.timezone,
    tier: spec.tier ?? DEFAULTS.tier,
    admin: {
      ...(spec.site.admin?.email ? { email: spec.site.admin.email } : {}),
      sshKeys: spec.site.admin?.sshKeys ?? [],
      ageRecipients: spec.site.admin?.ageRecipients ?? [],
    },
    ...(spec.site.acme
      ? {
          acme: {
            email: spec.site.acme.email,
            dnsProvider: spec.site.acme.dnsProvider,
            server: spec.site.acme.server ?? 'production',
          },
        }
      : {}),
    supernet: supernetText,
    vlans,
    hosts,
    vips,
    pools,
    services,
    flows,
    versions: ctx.versions,
    ...(slices as SiteSlices),
  };
  return { site, lock: book.result(), lockChanges: book.changes() };
}

/** Every required slice; `ups` is optional (a site without a UPS has none). */
const SLICE_KEYS = [
  'firewall',
  'storage',
  'production',
  'devops',
  'ai',
  'backup',
  'observability',
  'watchdogs',
  'rack',
] as const satisfies readonly (keyof SiteSlices)[];
