// Renders systemd-networkd units for a Debian router: DHCP on the uplink, one 802.1Q interface per VLAN on the trunk.
import type { FileTree } from '../../../tree/file-tree.ts';
import type { Policy } from '../policy/types.ts';
import { type RouterInterfaces, vlanTag } from './ifnames.ts';

/** Units under etc/systemd/network/, by file name. */
export function renderNetworkd(policy: Policy, ifs: RouterInterfaces, header: string): Map<string, string> {
  const head = header
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n');
  const units = new Map<string, string>();
  units.set(
    `10-${ifs.wan}.network`,
    `${head}\n[Match]\nName=${ifs.wan}\n\n[Network]\nDescription=uplink\nDHCP=ipv4\nIPv6AcceptRA=no\n\n[DHCPv4]\nUseDNS=yes\nUseNTP=yes\n`,
  );
  const vlans = policy.zones.filter((z) => z.kind === 'vlan');
  const trunk = [`${head}`, '[Match]', `Name=${ifs.trunk}`, '', '[Network]', 'Description=VLAN trunk'];
  trunk.push('LinkLocalAddressing=no', ...vlans.map((z) => `VLAN=${ifs.vlans.get(z.name)}`), '');
  units.set(`20-${ifs.trunk}.network`, trunk.join('\n'));
  for (const z of vlans) {
    const name = ifs.vlans.get(z.name)!;
    const tag = vlanTag(z);
    units.set(
      `30-${name}.netdev`,
      `${head}\n[NetDev]\nName=${name}\nKind=vlan\nDescription=${z.name}\n\n[VLAN]\nId=${tag}\n`,
    );
    units.set(
      `30-${name}.network`,
      `${head}\n[Match]\nName=${name}\n\n[Network]\nDescription=${z.name} (VLAN ${tag})\nAddress=${z.gateway}/${z.prefix}\nIPv6AcceptRA=no\nLinkLocalAddressing=no\n`,
    );
  }
  return units;
}

/** Adds the units to a tree under `dir`. */
export function addNetworkd(tree: FileTree, dir: string, units: Map<string, string>): void {
  for (const [name, content] of units) tree.add(`${dir}/${name}`, content, 'network');
}
