// VyOS 1.4+ configuration script: vif interfaces, firewall, NAT, Kea DHCP, DNS forwarding and NTP as `set` lines.
import type { Site } from '../../../site/types.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/header.ts';
import type { Addressing, Policy } from '../policy/types.ts';
import { type VyosInterfaces, vyosFirewall } from './firewall.ts';

const q = (v: string | number) => `'${String(v).replace(/'/g, '')}'`;

/** VyOS names NICs ethN; a Site NIC named otherwise (igc0) maps to eth0 for WAN and eth1 for the trunk. */
export function vyosNics(site: Site): { wan: string; trunk: string } {
  const ok = (n: string) => /^eth\d+$/.test(n);
  return {
    wan: ok(site.firewall.wan) ? site.firewall.wan : 'eth0',
    trunk: ok(site.firewall.trunk) ? site.firewall.trunk : 'eth1',
  };
}

export function vyosInterfaces(site: Site, policy: Policy): VyosInterfaces {
  const nics = vyosNics(site);
  const byZone = new Map<string, string>();
  for (const z of policy.zones) if (z.kind === 'vlan') byZone.set(z.name, `${nics.trunk}.${z.tag}`);
  return { wan: nics.wan, byZone };
}

function interfaces(site: Site, policy: Policy): string[] {
  const { wan, trunk } = vyosNics(site);
  const lines = [
    `set interfaces ethernet ${wan} description 'WAN'`,
    `set interfaces ethernet ${wan} address 'dhcp'`,
    `set interfaces ethernet ${trunk} description 'VLAN trunk'`,
  ];
  for (const z of policy.zones) {
    if (z.kind !== 'vlan') continue;
    lines.push(
      `set interfaces ethernet ${trunk} vif ${z.tag} description ${q(z.name)}`,
      `set interfaces ethernet ${trunk} vif ${z.tag} address ${q(`${z.gateway}/${z.prefix}`)}`,
    );
  }
  return lines;
}

function nat(policy: Policy, wan: string): string[] {
  return policy.nat.flatMap((n, i) => {
    const base = `set nat source rule ${(i + 1) * 10}`;
    return [
      `${base} description ${q(`Outbound NAT for ${n.zone}`)}`,
      `${base} outbound-interface name ${q(wan)}`,
      `${base} source address ${q(n.cidr)}`,
      `${base} translation address 'masquerade'`,
    ];
  });
}

/** Kea (VyOS 1.4+): one shared network per DHCP VLAN, subnet-id = VLAN tag, fixed leases as static mappings. */
function dhcp(addressing: Addressing): string[] {
  const lines: string[] = [];
  for (const s of addressing.scopes) {
    const base = `set service dhcp-server shared-network-name ${q(s.zone)}`;
    const sub = `${base} subnet ${q(s.cidr)}`;
    lines.push(
      `${base} authoritative`,
      `${sub} subnet-id ${q(s.tag)}`,
      `${sub} option default-router ${q(s.gateway)}`,
      `${sub} option name-server ${q(s.gateway)}`,
      `${sub} option domain-name ${q(s.domain)}`,
      `${sub} option ntp-server ${q(s.gateway)}`,
      `${sub} lease ${q(s.leaseSeconds)}`,
      `${sub} range 0 start ${q(s.range[0])}`,
      `${sub} range 0 stop ${q(s.range[1])}`,
    );
    for (const m of addressing.mappings.filter((x) => x.zone === s.zone)) {
      lines.push(
        `${sub} static-mapping ${q(m.hostname)} mac ${q(m.mac)}`,
        `${sub} static-mapping ${q(m.hostname)} ip-address ${q(m.address)}`,
      );
    }
  }
  return lines;
}

/** The PowerDNS recursor on the router: answers every VLAN, serves the site domain from local records. */
function dns(site: Site, policy: Policy, addressing: Addressing): string[] {
  const { wan } = vyosNics(site);
  const vlans = policy.zones.filter((z) => z.kind === 'vlan');
  const lines = [`set system name-server ${q(wan)}`, `set service dns forwarding system`];
  for (const z of vlans) {
    lines.push(
      `set service dns forwarding listen-address ${q(z.gateway!)}`,
      `set service dns forwarding allow-from ${q(z.cidr!)}`,
    );
  }
  for (const r of addressing.records) {
    lines.push(
      `set service dns forwarding authoritative-domain ${q(r.domain)} records a ${q(r.name)} address ${q(r.address)}`,
    );
  }
  return lines;
}

function ntp(policy: Policy): string[] {
  const lines = [`set service ntp server 'time1.vyos.net'`, `set service ntp server 'time2.vyos.net'`];
  for (const z of policy.zones) {
    if (z.kind !== 'vlan') continue;
    lines.push(
      `set service ntp allow-client address ${q(z.cidr!)}`,
      `set service ntp listen-address ${q(z.gateway!)}`,
    );
  }
  return lines;
}

/** All `set` lines, in a fixed order. */
export function vyosCommands(site: Site, policy: Policy, addressing: Addressing): string[] {
  return [
    `set system host-name ${q(site.firewall.host)}`,
    `set system domain-name ${q(site.domain)}`,
    `set system time-zone ${q(site.timezone)}`,
    ...interfaces(site, policy),
    ...vyosFirewall(policy, vyosInterfaces(site, policy)),
    ...nat(policy, vyosNics(site).wan),
    ...dhcp(addressing),
    ...dns(site, policy, addressing),
    ...ntp(policy),
  ];
}

/** A vbash script that applies the configuration in one commit: run it on the router with `vbash <file>`. */
export function renderVyosScript(site: Site, policy: Policy, addressing: Addressing): string {
  return [
    '#!/bin/vbash',
    `# ${GENERATED_NOTICE}`,
    `# VyOS 1.4+ configuration of ${site.firewall.host} (${site.domain}). Run: vbash configure.vbash`,
    'source /opt/vyatta/etc/functions/script-template',
    'configure',
    ...vyosCommands(site, policy, addressing),
    'commit',
    'save',
    'exit',
    '',
  ].join('\n');
}
