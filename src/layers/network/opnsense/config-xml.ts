// The complete OPNsense 26.x config.xml: system, interfaces, VLANs, NAT, filter, aliases, DHCP, DNS and IDS.
import type { Site } from '../../../site/types.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/header.ts';
import { uuidV5 } from '../../../tree/serialize/uuid.ts';
import { toXml } from '../../../tree/serialize/xml.ts';
import { type Assignment, assignInterfaces } from '../pf/assign.ts';
import type { Addressing, Policy } from '../policy/types.ts';
import { aliases, filterRules, snatRules } from './filter.ts';
import { dnsmasq, ids, unbound } from './services.ts';

/**
 * Versions of the MVC models this file is written for (OPNsense 26.7.2). A model root carrying its version
 * tells OPNsense not to run migrations over our content on import.
 */
export const MODEL_VERSIONS = {
  alias: '1.0.1',
  filter: '1.0.5',
  vlan: '1.0.0',
  dnsmasq: '1.0.9',
  unbound: '1.0.15',
  ids: '1.1.2',
} as const;

/** OPNsense names VLAN devices vlan0.<tag> (see PROVENANCE.md). */
export function opnsenseVlanDevice(tag: number): string {
  return `vlan0.${tag}`;
}

/** bcrypt of "opnsense", the factory root password of config.xml.sample: change it at first login. */
const FACTORY_ROOT_HASH = '$2y$10$YRVoF4SgskIsrXOvOQjGieB9XqHPRra9R7d80B3BZdbY/j21TwBfS';

function system(site: Site): Record<string, unknown> {
  const keys = site.admin.sshKeys.join('\n');
  return {
    optimization: 'normal',
    hostname: site.firewall.host,
    domain: site.domain,
    dnsallowoverride: '0',
    group: {
      name: 'admins',
      description: 'System Administrators',
      scope: 'system',
      gid: '1999',
      member: '0',
      priv: 'page-all',
    },
    user: {
      name: 'root',
      descr: 'System Administrator',
      scope: 'system',
      groupname: 'admins',
      password: FACTORY_ROOT_HASH,
      uid: '0',
      ...(keys ? { authorizedkeys: Buffer.from(keys, 'utf8').toString('base64') } : {}),
    },
    // OPNsense lists zones under Etc/ (Etc/UTC), not the bare alias.
    timezone: site.timezone === 'UTC' ? 'Etc/UTC' : site.timezone,
    timeservers:
      '0.opnsense.pool.ntp.org 1.opnsense.pool.ntp.org 2.opnsense.pool.ntp.org 3.opnsense.pool.ntp.org',
    webgui: { protocol: 'https' },
    disablenatreflection: 'yes',
    usevirtualterminal: '1',
    disableconsolemenu: '',
    powerd_ac_mode: 'hadp',
    powerd_battery_mode: 'hadp',
    powerd_normal_mode: 'hadp',
    bogons: { interval: 'monthly' },
    pf_share_forward: '1',
    lb_use_sticky: '1',
    ssh: { group: 'admins' },
  };
}

function interfaces(assignments: readonly Assignment[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of assignments) {
    if (a.zone.kind === 'wan') {
      out[a.key] = {
        enable: '1',
        if: a.device,
        mtu: '',
        ipaddr: 'dhcp',
        subnet: '',
        gateway: '',
        blockpriv: '1',
        blockbogons: '1',
        dhcphostname: '',
        media: '',
        mediaopt: '',
      };
    } else {
      out[a.key] = {
        enable: '1',
        if: a.device,
        descr: a.descr,
        ipaddr: a.zone.gateway,
        subnet: String(a.zone.prefix),
        media: '',
        mediaopt: '',
      };
    }
  }
  return out;
}

function vlans(assignments: readonly Assignment[], trunk: string): Record<string, unknown> {
  return {
    '@_version': MODEL_VERSIONS.vlan,
    vlan: assignments
      .filter((a) => a.zone.kind === 'vlan')
      .map((a) => ({
        '@_uuid': uuidV5(`opnsense/vlan/${a.zone.tag}`),
        if: trunk,
        tag: String(a.zone.tag),
        pcp: '0',
        proto: '',
        descr: a.descr,
        vlanif: a.device,
      })),
  };
}

/** The interface assignment the OPNsense config uses. */
export function opnsenseAssignments(site: Site, policy: Policy): Assignment[] {
  return assignInterfaces(policy, site.firewall.wan, opnsenseVlanDevice);
}

/** Renders config.xml for a fresh OPNsense 26.x install. Pure: same Site, same bytes. */
export function renderOpnsenseConfig(site: Site, policy: Policy, addressing: Addressing): string {
  const assignments = opnsenseAssignments(site, policy);
  const doc = {
    opnsense: {
      theme: 'opnsense',
      system: system(site),
      interfaces: interfaces(assignments),
      vlans: vlans(assignments, site.firewall.trunk),
      dnsmasq: { '@_version': MODEL_VERSIONS.dnsmasq, ...dnsmasq(addressing, assignments) },
      nat: { outbound: { mode: 'hybrid' } },
      filter: '',
      rrd: { enable: '' },
      ntpd: {
        prefer: '0.opnsense.pool.ntp.org',
        ispool:
          '0.opnsense.pool.ntp.org 1.opnsense.pool.ntp.org 2.opnsense.pool.ntp.org 3.opnsense.pool.ntp.org',
      },
      OPNsense: {
        Firewall: {
          Alias: {
            '@_version': MODEL_VERSIONS.alias,
            geoip: { url: '' },
            aliases: { alias: aliases(policy) },
          },
          Filter: {
            '@_version': MODEL_VERSIONS.filter,
            rules: { rule: filterRules(policy, assignments) },
            snatrules: { rule: snatRules(policy) },
            npt: '',
            onetoone: '',
          },
        },
        IDS: { '@_version': MODEL_VERSIONS.ids, ...ids(policy, assignments, site.supernet) },
        unboundplus: { '@_version': MODEL_VERSIONS.unbound, ...unbound(addressing) },
      },
    },
  };
  return toXml(doc, { header: GENERATED_NOTICE });
}
