// Renders the firewall's addressing services (DHCP per VLAN, fixed leases, DNS for the site domain) as dnsmasq config.
import { netmask } from '../../../net/ipam.ts';
import type { Addressing, DnsRecord } from '../policy/types.ts';
import type { RouterInterfaces } from './ifnames.ts';

/**
 * Service names point at a host or VIP that has its own record: they become CNAMEs, so a reverse lookup of
 * the address gives the host's one name. A service name with no such record gets its own A record.
 */
function dnsLines(records: DnsRecord[]): string[] {
  const primary = new Map<string, DnsRecord>();
  for (const r of records) {
    if (r.kind !== 'service' && !primary.has(r.address)) primary.set(r.address, r);
  }
  const lines: string[] = [];
  for (const r of records) {
    const fqdn = `${r.name}.${r.domain}`;
    const target = primary.get(r.address);
    if (r.kind === 'service' && target) lines.push(`cname=${fqdn},${target.name}.${target.domain}`);
    else lines.push(`host-record=${fqdn},${r.address}`);
  }
  return lines;
}

/**
 * dnsmasq.conf for the router. It never names a lease file or pid file: Debian's defaults apply on the
 * router, and the lab passes its own on the command line (with --no-resolv, so it forwards nothing).
 */
export function renderDnsmasq(addr: Addressing, ifs: RouterInterfaces, header: string): string {
  const lines: string[] = [
    ...header.split('\n').map((l) => `# ${l}`.trimEnd()),
    '',
    '# Answer only on the VLANs, never on the uplink.',
    ...[...ifs.vlans.values()].map((i) => `interface=${i}`),
    `except-interface=${ifs.wan}`,
    'bind-dynamic',
    '',
    '# The site domain is ours: never forwarded upstream, plain names never leave either.',
    `domain=${addr.domain}`,
    `local=/${addr.domain}/`,
    'domain-needed',
    'bogus-priv',
    'no-hosts',
    'cache-size=1000',
    '# Upstream resolvers: the ones the uplink learned by DHCP (systemd-networkd + systemd-resolved).',
    'resolv-file=/run/systemd/resolve/resolv.conf',
    '',
  ];
  if (addr.scopes.length > 0) {
    lines.push(
      '# DHCP: one scope per VLAN; this router is the only DHCP server on them.',
      'dhcp-authoritative',
    );
    for (const s of addr.scopes) {
      const iface = ifs.vlans.get(s.zone);
      if (!iface) throw new Error(`DHCP scope for unknown zone ${s.zone}`);
      const tag = `tag:${s.zone}`;
      lines.push(
        '',
        `# ${s.zone} (VLAN ${s.tag}, ${s.cidr})`,
        `dhcp-range=set:${s.zone},${s.range[0]},${s.range[1]},${netmask(s.prefix)},${s.leaseSeconds}`,
        `dhcp-option=${tag},option:router,${s.gateway}`,
        `dhcp-option=${tag},option:dns-server,${s.gateway}`,
        `dhcp-option=${tag},option:ntp-server,${s.gateway}`,
        `dhcp-option=${tag},option:domain-search,${s.domain}`,
      );
    }
    lines.push('');
  }
  if (addr.mappings.length > 0) {
    lines.push('# Fixed leases: every host with a MAC on a DHCP VLAN.');
    for (const m of addr.mappings) lines.push(`dhcp-host=${m.mac},${m.address},${m.hostname}`);
    lines.push('');
  }
  lines.push(`# DNS names under ${addr.domain}.`, ...dnsLines(addr.records), '');
  return lines.join('\n');
}
