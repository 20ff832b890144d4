// The `linux` firewall backend: nftables ruleset, dnsmasq config and systemd-networkd units for a Debian router.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/header.ts';
import { networkModel } from '../model.ts';
import type { Addressing, Policy } from '../policy/types.ts';
import { renderDnsmasq } from './dnsmasq.ts';
import { type RouterInterfaces, routerInterfaces } from './ifnames.ts';
import { addNetworkd, renderNetworkd } from './networkd.ts';
import { renderNftables } from './nftables.ts';
import { linuxReadme } from './readme.ts';

/** Where the backend's files live in the generated repository. */
export const LINUX_DIR = 'network/linux';
export const LINUX_FILES = {
  nftables: `${LINUX_DIR}/nftables.conf`,
  dnsmasq: `${LINUX_DIR}/dnsmasq.d/beelab.conf`,
  sysctl: `${LINUX_DIR}/sysctl.d/90-beelab-router.conf`,
  networkd: `${LINUX_DIR}/systemd-network`,
  readme: `${LINUX_DIR}/README.md`,
} as const;

/** Routing on, reverse-path filtering strict: what the router's kernel needs before the ruleset means anything. */
export const ROUTER_SYSCTL: Record<string, string> = {
  'net.ipv4.ip_forward': '1',
  'net.ipv4.conf.all.rp_filter': '1',
  'net.ipv4.conf.default.rp_filter': '1',
  'net.ipv6.conf.all.forwarding': '0',
};

/** The router's rendered contents, before they become files; the lab runs exactly these. */
export interface LinuxRouter {
  policy: Policy;
  addressing: Addressing;
  ifs: RouterInterfaces;
  nftables: string;
  dnsmasq: string;
  sysctl: string;
  networkd: Map<string, string>;
}

/** Renders the router for given interface names (the Site's NICs by default). Pure. */
export function renderLinuxRouter(
  site: Site,
  nics = { wan: site.firewall.wan, trunk: site.firewall.trunk },
): LinuxRouter {
  const { policy, addressing } = networkModel(site);
  const ifs = routerInterfaces(policy, nics);
  const header = `${GENERATED_NOTICE}\nSite ${site.name}: Linux router ${site.firewall.host}.`;
  const sysctl = [
    `# ${GENERATED_NOTICE}`,
    ...Object.entries(ROUTER_SYSCTL).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n');
  return {
    policy,
    addressing,
    ifs,
    nftables: renderNftables(policy, ifs, header),
    dnsmasq: renderDnsmasq(addressing, ifs, header),
    sysctl,
    networkd: renderNetworkd(policy, ifs, header),
  };
}

/** The backend's FileTree. */
export function renderLinux(site: Site): FileTree {
  const r = renderLinuxRouter(site);
  const tree = new FileTree()
    .add(LINUX_FILES.nftables, r.nftables, 'network', 0o755)
    .add(LINUX_FILES.dnsmasq, r.dnsmasq, 'network')
    .add(LINUX_FILES.sysctl, r.sysctl, 'network')
    .add(LINUX_FILES.readme, linuxReadme(site, r.ifs), 'network');
  addNetworkd(tree, LINUX_FILES.networkd, r.networkd);
  return tree;
}
