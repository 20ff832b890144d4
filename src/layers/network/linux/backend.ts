// The Linux backend: a Debian router with nftables, dnsmasq and systemd-networkd (the one the lab runs).
import type { FirewallBackend } from '../backend.ts';
import { parseNftables } from '../equivalence/nftables.ts';
import { routerInterfaces } from './ifnames.ts';
import { LINUX_FILES, renderLinux } from './render.ts';

export const linuxBackend: FirewallBackend = {
  platform: 'linux',
  hostOs: 'debian',
  render: ({ site }) => renderLinux(site),
  parse: (files, { site, policy }) => ({
    tuples: parseNftables(
      files.get(LINUX_FILES.nftables)!.content,
      routerInterfaces(policy, { wan: site.firewall.wan, trunk: site.firewall.trunk }),
    ),
    canonical: true,
  }),
  access: { ssh: true, user: 'debian' },
};
