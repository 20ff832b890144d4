// OPNsense services from the addressing form: dnsmasq DHCP, Unbound host overrides, Suricata IDS.

import { inCidr } from '../../../net/ipam.ts';
import { uuidV5 } from '../../../tree/serialize/uuid.ts';
import { type Assignment, keyOf } from '../pf/assign.ts';
import type { Addressing, Policy } from '../policy/types.ts';
import { description } from './filter.ts';

type Xml = Record<string, unknown>;

/**
 * Port dnsmasq answers DNS on. Unbound owns port 53 (OPNsense's default split): dnsmasq only serves DHCP,
 * and the names of fixed leases come from the Unbound host overrides below.
 */
export const DNSMASQ_DNS_PORT = '53053';

/**
 * DHCP options handed out explicitly per VLAN, all pointing at the gateway: 6 (DNS, which dnsmasq would not
 * advertise itself since its own DNS is not on 53) and 42 (NTP, which it never sends unless told).
 */
const GATEWAY_OPTIONS = [
  { option: '6', what: 'dns', label: 'DNS server' },
  { option: '42', what: 'ntp', label: 'NTP server' },
] as const;

/** ET Open rule files enabled for Suricata: scans, exploits, malware and attack responses. */
export const IDS_RULESETS = [
  'emerging-attack_response.rules',
  'emerging-exploit.rules',
  'emerging-malware.rules',
  'emerging-scan.rules',
] as const;

/** dnsmasq as the DHCP server: one range per DHCP VLAN, a fixed lease per known MAC, NTP handed out. */
export function dnsmasq(addressing: Addressing, assignments: readonly Assignment[]): Xml {
  const ifs = addressing.scopes.map((s) => keyOf(assignments, s.zone));
  return {
    enable: ifs.length > 0 ? '1' : '0',
    port: DNSMASQ_DNS_PORT,
    interface: ifs.join(','),
    dhcp: {
      fqdn: '1',
      domain: addressing.domain,
      local: '1',
      authoritative: '1',
      default_fw_rules: '1',
      host_ping: '1',
    },
    no_ident: '1',
    hosts: addressing.mappings.map((m) => ({
      '@_uuid': uuidV5(`opnsense/dnsmasq/host/${m.host}`),
      host: m.hostname,
      domain: addressing.domain,
      local: '0',
      ip: m.address,
      hwaddr: m.mac,
      descr: `fixed lease for ${m.host}`,
    })),
    dhcp_ranges: addressing.scopes.map((s) => ({
      '@_uuid': uuidV5(`opnsense/dnsmasq/range/${s.zone}`),
      interface: keyOf(assignments, s.zone),
      start_addr: s.range[0],
      end_addr: s.range[1],
      lease_time: String(s.leaseSeconds),
      domain_type: 'range',
      domain: s.domain,
      description: description(`DHCP pool of ${s.zone}`),
    })),
    dhcp_options: addressing.scopes.flatMap((s) =>
      GATEWAY_OPTIONS.map((o) => ({
        '@_uuid': uuidV5(`opnsense/dnsmasq/option/${o.what}/${s.zone}`),
        type: 'set',
        option: o.option,
        interface: keyOf(assignments, s.zone),
        value: s.gateway,
        description: description(`${o.label} for ${s.zone}: the firewall`),
      })),
    ),
  };
}

/**
 * Unbound resolving on every interface, with an A record per host, VIP and service. The firewall's own name is
 * left out: OPNsense registers it itself, with its interface addresses.
 */
export function unbound(addressing: Addressing): Xml {
  return {
    general: {
      enabled: '1',
      port: '53',
      dnssec: '1',
      local_zone_type: 'transparent',
    },
    hosts: {
      host: addressing.records
        .filter((r) => r.kind !== 'firewall')
        .map((r) => ({
          '@_uuid': uuidV5(`opnsense/unbound/host/${r.name}`),
          enabled: '1',
          hostname: r.name,
          domain: r.domain,
          rr: 'A',
          server: r.address,
          // One PTR per address: hosts and the firewall own theirs; VIP and service names are extra A records.
          addptr: r.kind === 'host' || r.kind === 'firewall' ? '1' : '0',
          description: description(r.description),
        })),
    },
  };
}

/** Suricata in IDS (alert-only, pcap) mode on the WAN and on the security VLAN(s). */
export function ids(policy: Policy, assignments: readonly Assignment[], supernet: string): Xml {
  const watched = assignments.filter((a) => a.zone.kind === 'wan' || a.zone.purpose === 'security');
  return {
    general: {
      enabled: '1',
      mode: 'pcap',
      promisc: '0',
      interfaces: watched.map((a) => a.key).join(','),
      // Suricata's HOME_NET: the supernet, plus any VLAN the user placed outside it.
      homenet: [
        supernet,
        ...policy.zones.flatMap((z) => (z.cidr && !inCidr(z.cidr.split('/')[0]!, supernet) ? [z.cidr] : [])),
      ].join(','),
      AlertLogrotate: 'W0D23',
      AlertSaveLogs: '4',
      syslog: '0',
      syslog_eve: '1',
      LogPayload: '0',
    },
    files: {
      file: IDS_RULESETS.map((filename) => ({
        '@_uuid': uuidV5(`opnsense/ids/file/${filename}`),
        filename,
        enabled: '1',
      })),
    },
  };
}
