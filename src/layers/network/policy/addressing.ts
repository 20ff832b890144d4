// Compiles the Site's addressing services: DHCP scopes, static mappings and DNS records served by the firewall.
import { UserError } from '../../../errors.ts';
import { inCidr, ipToInt as ipv4Number } from '../../../net/ipam.ts';
import type { Site } from '../../../site/types.ts';
import type { Addressing, DhcpScope, DnsRecord, StaticMapping } from './types.ts';

/** Lease time handed out by every backend. */
export const LEASE_SECONDS = 86_400;

function shortName(fqdn: string, domain: string, what: string): string {
  const suffix = `.${domain}`;
  if (!fqdn.endsWith(suffix) || fqdn.length === suffix.length) {
    throw new UserError(`${what} has DNS name ${fqdn}, which is not under the site domain ${domain}`);
  }
  return fqdn.slice(0, -suffix.length);
}

function scopes(site: Site): DhcpScope[] {
  return site.vlans
    .filter((v) => v.dhcp && v.dhcpRange)
    .map((v) => ({
      zone: v.name,
      tag: v.id,
      cidr: v.cidr,
      prefix: v.prefix,
      range: v.dhcpRange!,
      gateway: v.gateway,
      domain: site.domain,
      leaseSeconds: LEASE_SECONDS,
    }));
}

/** Every host with a MAC on a VLAN that serves DHCP gets a fixed lease (others are configured statically). */
function mappings(site: Site, served: Set<string>): StaticMapping[] {
  const out: StaticMapping[] = [];
  const macs = new Map<string, string>();
  for (const h of site.hosts) {
    if (!h.mac || h.name === site.firewall.host || !served.has(h.vlan)) continue;
    const vlan = site.vlans.find((v) => v.name === h.vlan)!;
    if (!inCidr(h.address, vlan.cidr)) {
      throw new UserError(
        `host ${h.name} has address ${h.address}, outside its VLAN ${vlan.name} ${vlan.cidr}`,
      );
    }
    const seen = macs.get(h.mac);
    if (seen) throw new UserError(`hosts ${seen} and ${h.name} share the MAC ${h.mac}`);
    macs.set(h.mac, h.name);
    out.push({ host: h.name, zone: h.vlan, mac: h.mac, address: h.address, hostname: h.name });
  }
  const zoneIndex = (z: string) => site.vlans.findIndex((v) => v.name === z);
  return out.sort(
    (a, b) => zoneIndex(a.zone) - zoneIndex(b.zone) || ipv4Number(a.address) - ipv4Number(b.address),
  );
}

/** The address a service's DNS name points at: the VIP or host it runs on first. */
function serviceAddress(site: Site, hosts: string[]): string | undefined {
  for (const name of hosts) {
    const vip = site.vips.find((v) => v.name === name);
    if (vip) return vip.address;
    const host = site.hosts.find((h) => h.name === name);
    if (host) return host.address;
  }
  return undefined;
}

function records(site: Site): DnsRecord[] {
  const byName = new Map<string, DnsRecord>();
  const add = (r: Omit<DnsRecord, 'domain'>) => {
    const prev = byName.get(r.name);
    if (prev) {
      if (prev.address === r.address) return;
      throw new UserError(
        `DNS name ${r.name}.${site.domain} would point at both ${prev.address} (${prev.description}) and ${r.address} (${r.description})`,
      );
    }
    byName.set(r.name, { ...r, domain: site.domain });
  };
  for (const h of site.hosts) {
    add({
      name: shortName(h.fqdn, site.domain, `host ${h.name}`),
      address: h.address,
      kind: h.name === site.firewall.host ? 'firewall' : 'host',
      description: `${h.kind} ${h.name}`,
    });
  }
  for (const v of site.vips) {
    add({
      name: shortName(v.fqdn, site.domain, `VIP ${v.name}`),
      address: v.address,
      kind: 'vip',
      description: v.purpose,
    });
  }
  for (const s of site.services) {
    if (!s.fqdn) continue;
    const address = serviceAddress(site, s.hosts);
    if (!address)
      throw new UserError(`service ${s.name} has DNS name ${s.fqdn} but runs on no known host or VIP`);
    add({
      name: shortName(s.fqdn, site.domain, `service ${s.name}`),
      address,
      kind: 'service',
      description: s.description,
    });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** DHCP scopes, fixed leases and DNS records the firewall serves. */
export function compileAddressing(site: Site): Addressing {
  const sc = scopes(site);
  return {
    domain: site.domain,
    firewall: { hostname: site.firewall.host, wan: site.firewall.wan, trunk: site.firewall.trunk },
    scopes: sc,
    mappings: mappings(site, new Set(sc.map((s) => s.zone))),
    records: records(site),
  };
}
