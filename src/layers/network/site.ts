// The network layer's part of the Site: the firewall host, the DNS resolver it serves, and Site.firewall.
import {
  type HostRequest,
  type Ordered,
  type SiteContribution,
  service,
  tcp,
  udp,
} from '../../site/contribution.ts';
import { DEFAULTS } from '../../spec/defaults.ts';

export const networkSite: SiteContribution = {
  hosts({ spec, vlanFor }) {
    const fw = spec.network?.firewall ?? {};
    const platform = fw.platform ?? DEFAULTS.firewall.platform;
    // The single tier has no separate firewall box: the firewall runs as a VM on the one Proxmox node.
    const asVm = spec.tier === 'single';
    const host: Ordered<HostRequest> = {
      order: 0,
      name: fw.name ?? DEFAULTS.firewall.name,
      kind: asVm ? 'vm' : 'appliance',
      roles: ['firewall', `firewall_${platform}`],
      layers: ['network', 'security'],
      vlan: vlanFor('management'),
      os: platform === 'linux' ? 'debian' : platform,
      drives: [],
      ...(fw.mac ? { mac: fw.mac } : {}),
      ...(asVm ? { vm: { cores: 2, memoryGb: 4, diskGb: 32, group: 'firewall' } } : {}),
    };
    return [host];
  },

  services({ withRole, vlans }) {
    return [
      service(10, {
        name: 'dns',
        kind: 'infra',
        layer: 'network',
        description: 'DNS resolver for every VLAN',
        hosts: withRole('firewall'),
        ports: [udp('dns', 53), tcp('dns-tcp', 53)],
        consumers: vlans.map((v) => ({
          kind: 'vlan',
          vlan: v.name,
          because: 'every device resolves names through its gateway',
        })),
        health: { port: 'dns-tcp' },
      }),
    ];
  },

  slice({ spec, hosts }) {
    const fw = hosts.find((h) => h.roles.includes('firewall'))!;
    return {
      firewall: {
        platform: spec.network?.firewall?.platform ?? DEFAULTS.firewall.platform,
        host: fw.name,
        wan: spec.network?.firewall?.wan ?? DEFAULTS.firewall.wan,
        trunk: spec.network?.firewall?.trunk ?? DEFAULTS.firewall.trunk,
        asVm: fw.kind === 'vm',
      },
    };
  },
};
