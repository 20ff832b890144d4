// pfSense config.xml: interfaces, VLANs, aliases, rules, NAT, DHCP server, DNS resolver (restored by area), and the
// settings of Netgate's node_exporter package, which the package reads once installed.
import type { Site } from '../../../site/types.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/header.ts';
import { toXml } from '../../../tree/serialize/xml.ts';
import { type Assignment, assignInterfaces } from '../pf/assign.ts';
import type { Addressing, Policy } from '../policy/types.ts';
import { pfAliases, pfNat, pfRules } from './filter.ts';

/**
 * Config format version written. pfSense upgrades older formats on restore and refuses newer ones, so this is
 * deliberately old (the format of CE 2.6): every 2.7+ accepts it, and the sections written here (interfaces,
 * VLANs, aliases, rules, NAT, dhcpd, unbound hosts) kept their shape across those upgrades.
 */
export const PFSENSE_CONFIG_VERSION = '22.2';

/** pfSense names VLAN devices <parent>.<tag>. */
export function pfsenseAssignments(site: Site, policy: Policy): Assignment[] {
  return assignInterfaces(policy, site.firewall.wan, (tag) => `${site.firewall.trunk}.${tag}`);
}

function interfaces(assignments: readonly Assignment[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of assignments) {
    out[a.key] =
      a.zone.kind === 'wan'
        ? { enable: '', if: a.device, descr: 'WAN', ipaddr: 'dhcp', blockpriv: '', blockbogons: '' }
        : { enable: '', if: a.device, descr: a.descr, ipaddr: a.zone.gateway, subnet: String(a.zone.prefix) };
  }
  return out;
}

function dhcpd(addressing: Addressing, assignments: readonly Assignment[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of addressing.scopes) {
    const key = assignments.find((a) => a.zone.name === s.zone)!.key;
    out[key] = {
      enable: '',
      range: { from: s.range[0], to: s.range[1] },
      domain: s.domain,
      defaultleasetime: String(s.leaseSeconds),
      gateway: s.gateway,
      dnsserver: s.gateway,
      ntpserver: s.gateway,
      staticmap: addressing.mappings
        .filter((m) => m.zone === s.zone)
        .map((m) => ({
          mac: m.mac,
          ipaddr: m.address,
          hostname: m.hostname,
          descr: `fixed lease for ${m.host}`,
        })),
    };
  }
  return out;
}

function unbound(addressing: Addressing): Record<string, unknown> {
  return {
    enable: '',
    dnssec: '',
    active_interface: '',
    outgoing_interface: '',
    port: '53',
    // pfSense registers the firewall's own name itself.
    hosts: addressing.records
      .filter((r) => r.kind !== 'firewall')
      .map((r) => ({
        host: r.name,
        domain: r.domain,
        ip: r.address,
        descr: r.description,
        aliases: '',
      })),
  };
}

/** The node exporter's port, as on every other host Prometheus scrapes. */
export const PFSENSE_NODE_EXPORTER_PORT = '9100';
/** The package's default collectors (node_exporter.inc NODE_EXPORTER_DEFAULT_COLLECTORS). */
export const PFSENSE_NODE_EXPORTER_COLLECTORS =
  'boottime,cpu,exec,filesystem,loadavg,meminfo,netdev,textfile,time';

/**
 * Settings of the pfSense package node_exporter (pfSense-pkg-node_exporter, Netgate's), read from
 * installedpackages/nodeexporter/config by its node_exporter.inc: on, listening on the interface that carries the
 * firewall's own address (the one Prometheus scrapes), port 9100. None when no interface carries that address.
 */
function nodeExporterPackage(
  site: Site,
  assignments: readonly Assignment[],
): Record<string, unknown> | undefined {
  const address = site.hosts.find((h) => h.name === site.firewall.host)?.address;
  const iface = assignments.find((a) => a.zone.kind === 'vlan' && a.zone.gateway === address);
  if (!iface) return undefined;
  return {
    nodeexporter: {
      config: {
        enable: 'on',
        listen_iface: iface.key,
        listen_port: PFSENSE_NODE_EXPORTER_PORT,
        collectors: PFSENSE_NODE_EXPORTER_COLLECTORS,
        extra_flags: '--log.level=warn',
      },
    },
  };
}

/** Renders config.xml for pfSense CE 2.7+/Plus; restore it by area (see docs/network.md). Pure. */
export function renderPfsenseConfig(site: Site, policy: Policy, addressing: Addressing): string {
  const assignments = pfsenseAssignments(site, policy);
  const packages = nodeExporterPackage(site, assignments);
  const doc = {
    pfsense: {
      version: PFSENSE_CONFIG_VERSION,
      system: {
        hostname: site.firewall.host,
        domain: site.domain,
        timezone: site.timezone === 'UTC' ? 'Etc/UTC' : site.timezone,
        webgui: { protocol: 'https' },
      },
      interfaces: interfaces(assignments),
      vlans: {
        vlan: assignments
          .filter((a) => a.zone.kind === 'vlan')
          .map((a) => ({
            if: site.firewall.trunk,
            tag: String(a.zone.tag),
            pcp: '',
            descr: a.descr,
            vlanif: a.device,
          })),
      },
      aliases: { alias: pfAliases(policy) },
      nat: pfNat(policy),
      filter: { rule: pfRules(policy, assignments) },
      dhcpd: dhcpd(addressing, assignments),
      unbound: unbound(addressing),
      ...(packages ? { installedpackages: packages } : {}),
    },
  };
  return toXml(doc, { header: GENERATED_NOTICE });
}
