// The security node's part of the Site: the Wazuh manager (a VM when no security node exists), the T-Pot
// honeypot on the isolated security VLAN, and their services.
import {
  type HostRequest,
  type Ordered,
  type SiteContribution,
  service,
  tcp,
  vmRequest,
} from '../../site/contribution.ts';
import type { Host, HostRole, Service } from '../../site/types.ts';
import { TPOT_HIVE_MIN, TPOT_WEB_PORT } from './tpot.ts';

/** Operating systems a Wazuh agent runs on (Talos has no packages, VyOS and plugs none we install). */
const AGENT_OS: ReadonlySet<Host['os']> = new Set([
  'debian',
  'ubuntu',
  'proxmox-ve',
  'proxmox-backup',
  'macos',
  'raspberry-pi-os',
  'opnsense',
  'pfsense',
]);

export const securitySite: SiteContribution = {
  /**
   * Every host that can run the Wazuh agent gets role wazuh_agent when the site has a manager: the agent
   * ports then open from exactly those hosts. Not the manager itself, not the honeypot (its VLAN reaches
   * nothing internal), not plugs and KVMs.
   */
  hostRoles({ requests, hasRole }) {
    const out = new Map<string, HostRole[]>();
    if (!hasRole('wazuh_manager')) return out;
    for (const h of requests) {
      const appliance = h.kind === 'appliance' && !h.roles.includes('firewall');
      if (appliance || !AGENT_OS.has(h.os)) continue;
      if (h.roles.includes('wazuh_manager') || h.roles.includes('honeypot')) continue;
      out.set(h.name, ['wazuh_agent']);
    }
    return out;
  },

  hosts({ spec, vlans, vlanFor, hypervisors }) {
    if (!hypervisors) return [];
    const out: Ordered<HostRequest>[] = [];
    const obs = spec.observability ?? {};
    if (obs.securityNode && !(spec.nodes ?? []).some((n) => n.role === 'security')) {
      out.push(
        vmRequest(
          60,
          'wazuh',
          vlanFor('servers'),
          ['security_node', 'wazuh_manager'],
          ['security', 'observability'],
          'debian',
          { cores: 4, memoryGb: 8, diskGb: 100 },
          'wazuh',
        ),
      );
    }
    // The honeypot only exists on a security VLAN: it must never share a VLAN with anything real.
    const secVlan = vlans.find((v) => v.purpose === 'security');
    if (obs.honeypot && secVlan) {
      out.push(
        vmRequest(
          61,
          'tpot',
          secVlan.name,
          ['honeypot'],
          ['security'],
          'debian',
          { cores: 4, memoryGb: TPOT_HIVE_MIN.memoryGb, diskGb: TPOT_HIVE_MIN.diskGb },
          'tpot',
        ),
      );
    }
    return out;
  },

  services({ withRole, mgmt }) {
    const out: Ordered<Service>[] = [];
    const wazuh = withRole('wazuh_manager');
    if (wazuh.length > 0) {
      out.push(
        service(60, {
          name: 'wazuh-manager',
          kind: 'infra',
          layer: 'security',
          description: 'Wazuh manager: the agent on every capable host enrolls and reports to it',
          hosts: wazuh,
          ports: [tcp('agents', 1514), tcp('enrollment', 1515)],
          consumers: withRole('wazuh_agent').length > 0 ? [{ kind: 'role', role: 'wazuh_agent' }] : [],
          health: { port: 'agents' },
          volumes: ['/var/ossec'],
        }),
        service(60, {
          name: 'wazuh-api',
          kind: 'infra',
          layer: 'security',
          description: 'Wazuh manager API (dashboard, administration): management only',
          hosts: wazuh,
          ports: [tcp('api', 55000)],
          consumers: [mgmt],
          health: { port: 'api', path: '/', scheme: 'https', expect: 401 },
        }),
        service(60, {
          name: 'wazuh-dashboard',
          kind: 'infra',
          layer: 'security',
          description: 'Wazuh dashboard (alerts, agents, file integrity): management only',
          hosts: wazuh,
          ports: [tcp('https', 443)],
          consumers: [mgmt],
          health: { port: 'https', path: '/', scheme: 'https' },
        }),
      );
    }
    const honeypot = withRole('honeypot');
    if (honeypot.length > 0) {
      out.push(
        service(61, {
          name: 't-pot',
          kind: 'infra',
          layer: 'security',
          description: 'T-Pot honeypot; its web UI is reachable from management only',
          hosts: honeypot,
          ports: [tcp('web', TPOT_WEB_PORT)],
          consumers: [mgmt],
          // T-Pot's nginx asks every request for its web user (auth_basic on /): 401 is the healthy answer.
          health: { port: 'web', path: '/', scheme: 'https', expect: 401 },
        }),
      );
    }
    return out;
  },
};
