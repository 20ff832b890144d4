// Resolves a flow endpoint (VLAN, host, VIP, role, tailnet, internet) into zones and address sets.
import { createHash } from 'node:crypto';
import { UserError } from '../../../errors.ts';
import { sortAddresses } from '../../../net/ipam.ts';
import type { Endpoint, Site } from '../../../site/types.ts';
import { setName } from './names.ts';
import { type AddressSet, FIREWALL, INTERNET } from './types.ts';

/** One place an endpoint lives: a zone (or FIREWALL / INTERNET) and optionally an address set inside it. */
export interface Placement {
  zone: string;
  set?: AddressSet;
}

/** Where an endpoint lives, or why the firewall does not see it. */
export type Resolved = { kind: 'placed'; placements: Placement[] } | { kind: 'unenforced'; reason: string };

function describe(ep: Endpoint): string {
  switch (ep.kind) {
    case 'vlan':
      return `VLAN ${ep.vlan}`;
    case 'host':
      return `host ${ep.host}`;
    case 'vip':
      return `VIP ${ep.vip}`;
    case 'role':
      return `role ${ep.role}`;
    default:
      return ep.kind;
  }
}

export { describe as describeEndpoint };

/** Resolves endpoints against one Site; address sets are built once per name and shared. */
export class EndpointResolver {
  readonly sets = new Map<string, AddressSet>();
  /** Endpoints repeat across thousands of flows (role:prometheus, vlan:mgmt): resolve each once. */
  readonly #cache = new Map<string, Resolved>();
  readonly #hosts: Map<string, Site['hosts'][number]>;

  constructor(private readonly site: Site) {
    this.#hosts = new Map(site.hosts.map((h) => [h.name, h]));
  }

  resolve(ep: Endpoint, flowId: string): Resolved {
    const key = JSON.stringify(ep);
    let hit = this.#cache.get(key);
    if (!hit) {
      hit = this.#resolve(ep, flowId);
      this.#cache.set(key, hit);
    }
    return hit;
  }

  #resolve(ep: Endpoint, flowId: string): Resolved {
    const site = this.site;
    switch (ep.kind) {
      case 'vlan': {
        if (!site.vlans.some((v) => v.name === ep.vlan)) {
          throw new UserError(`flow ${flowId} names VLAN ${ep.vlan}, which the site does not define`);
        }
        return { kind: 'placed', placements: [{ zone: ep.vlan }] };
      }
      case 'host': {
        if (ep.host === site.firewall.host) return { kind: 'placed', placements: [{ zone: FIREWALL }] };
        const host = this.#hosts.get(ep.host);
        if (!host)
          throw new UserError(`flow ${flowId} names host ${ep.host}, which the site does not define`);
        const set = this.set(setName('host', host.name), host.vlan, [host.address], `host ${host.name}`);
        return { kind: 'placed', placements: [{ zone: host.vlan, set }] };
      }
      case 'vip': {
        const vip = site.vips.find((v) => v.name === ep.vip);
        if (!vip) throw new UserError(`flow ${flowId} names VIP ${ep.vip}, which the site does not define`);
        const set = this.set(
          setName('vip', vip.name),
          vip.vlan,
          [vip.address],
          `VIP ${vip.name} (${vip.purpose})`,
        );
        return { kind: 'placed', placements: [{ zone: vip.vlan, set }] };
      }
      case 'role': {
        const members = site.hosts.filter((h) => h.roles.includes(ep.role) && h.name !== site.firewall.host);
        const onFirewall = site.hosts.some((h) => h.roles.includes(ep.role) && h.name === site.firewall.host);
        if (members.length === 0 && !onFirewall) {
          return { kind: 'unenforced', reason: `no host has role ${ep.role}, so the flow opens nothing` };
        }
        const zones = [...new Set(members.map((h) => h.vlan))].sort(
          (a, b) => this.vlanIndex(a) - this.vlanIndex(b),
        );
        const placements: Placement[] = zones.map((zone) => {
          const name = zones.length === 1 ? setName('role', ep.role) : setName('role', ep.role, zone);
          const addrs = members.filter((h) => h.vlan === zone).map((h) => h.address);
          return { zone, set: this.set(name, zone, addrs, `hosts with role ${ep.role} in ${zone}`) };
        });
        if (onFirewall) placements.push({ zone: FIREWALL });
        return { kind: 'placed', placements };
      }
      case 'internet':
        return { kind: 'placed', placements: [{ zone: INTERNET }] };
      case 'tailnet':
        return {
          kind: 'unenforced',
          reason:
            'tailnet traffic is end-to-end encrypted between tailnet nodes and governed by the tailnet ACL',
        };
    }
  }

  vlanIndex(name: string): number {
    const i = this.site.vlans.findIndex((v) => v.name === name);
    return i < 0 ? this.site.vlans.length : i;
  }

  /**
   * A set named `name` if free (or already holding exactly these addresses), else `name` with a hash of the
   * members, so distinct sets never share a name.
   */
  uniqueSet(name: string, zone: string, addresses: string[], description: string): AddressSet {
    const existing = this.sets.get(name);
    const sorted = sortAddresses(addresses);
    if (existing && (existing.zone !== zone || existing.addresses.join() !== sorted.join())) {
      const hash = createHash('sha256').update(`${zone}:${sorted.join()}`).digest('hex').slice(0, 6);
      return this.set(setName(name.slice(0, 23), hash), zone, sorted, description);
    }
    return this.set(name, zone, sorted, description);
  }

  private set(name: string, zone: string, addresses: string[], description: string): AddressSet {
    const existing = this.sets.get(name);
    const sorted = sortAddresses(addresses);
    if (existing) {
      if (existing.zone !== zone || existing.addresses.join() !== sorted.join()) {
        throw new Error(`address set ${name} built twice with different members`);
      }
      return existing;
    }
    const set: AddressSet = { name, zone, addresses: sorted, description };
    this.sets.set(name, set);
    return set;
  }
}
