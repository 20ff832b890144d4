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
import type { Service } from '../../site/types.ts';

export const securitySite: SiteContribution = {
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
          { cores: 4, memoryGb: 16, diskGb: 128 },
          'tpot',
        ),
      );
    }
    return out;
  },

  services({ withRole, vlans, mgmt }) {
    const out: Ordered<Service>[] = [];
    const wazuh = withRole('wazuh_manager');
    if (wazuh.length > 0) {
      out.push(
        service(60, {
          name: 'wazuh-manager',
          kind: 'infra',
          layer: 'security',
          description: 'Wazuh manager: agents on every host report to it',
          hosts: wazuh,
          ports: [tcp('agents', 1514), tcp('enrollment', 1515), tcp('api', 55000)],
          consumers: vlans
            .filter((v) => v.purpose !== 'security')
            .map((v) => ({ kind: 'vlan', vlan: v.name })),
          health: { port: 'agents' },
          volumes: ['/var/ossec'],
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
          ports: [tcp('web', 64297)],
          consumers: [mgmt],
          health: { port: 'web', path: '/', scheme: 'https' },
        }),
      );
    }
    return out;
  },
};
