// Interfaces of an OPNsense or pfSense config.xml (same layout, pfSense heritage): zone and subnet per key.
import { inCidr } from '../../../net/ipam.ts';
import { childNames, children, field, type Node } from './xml.ts';

/** An interface read from the config: the zone it carries (by VLAN tag) and its subnet. */
export interface ConfigIface {
  zone: string;
  cidr?: string;
}

function networkOf(address: string, prefix: number): string {
  const n = address.split('.').reduce((acc, b) => acc * 256 + Number(b), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${prefix}`;
}

/** Interfaces by key (`wan`, `lan`, `opt1`, ...); a VLAN interface's zone is the one its device's tag names. */
export function readInterfaces(
  root: Node,
  zoneByTag: ReadonlyMap<number, string>,
  platform: string,
): Map<string, ConfigIface> {
  const tagOfDevice = new Map<string, number>();
  for (const v of children(children(root, 'vlans')[0] ?? '', 'vlan'))
    tagOfDevice.set(field(v, 'vlanif'), Number(field(v, 'tag')));
  const ifsNode = children(root, 'interfaces')[0] ?? '';
  const out = new Map<string, ConfigIface>();
  for (const key of childNames(ifsNode)) {
    const node = children(ifsNode, key)[0]!;
    if (key === 'wan') {
      out.set(key, { zone: 'wan' });
      continue;
    }
    const tag = tagOfDevice.get(field(node, 'if'));
    const zone = tag === undefined ? undefined : zoneByTag.get(tag);
    if (!zone) throw new Error(`${platform}: interface ${key} (${field(node, 'if')}) carries no known VLAN`);
    out.set(key, { zone, cidr: networkOf(field(node, 'ipaddr'), Number(field(node, 'subnet'))) });
  }
  return out;
}

/** The one zone whose subnet holds every address; throws when they span none or several. */
export function zoneOfAddresses(
  ifs: ReadonlyMap<string, ConfigIface>,
  addresses: string[],
  platform: string,
): string {
  const zones = new Set(
    addresses.map((ip) => [...ifs.values()].find((i) => i.cidr && inCidr(ip, i.cidr))?.zone),
  );
  if (zones.size !== 1 || zones.has(undefined))
    throw new Error(`${platform}: ${addresses.join(',')} span no single zone`);
  return [...zones][0]!;
}
