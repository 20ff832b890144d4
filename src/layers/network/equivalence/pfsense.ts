// Reads a pfSense config.xml back into normalized tuples, in the order pfSense evaluates each interface's rules.
import { inCidr } from '../policy/names.ts';
import { PRIVATE_NETS } from '../policy/types.ts';
import { addrKey, type PolicyTuple } from './tuples.ts';
import { childNames, children, field, type Node, parseXml } from './xml.ts';

interface Iface {
  zone: string;
  cidr?: string;
}

function cidrOf(address: string, prefix: number): string {
  const n = address.split('.').reduce((acc, b) => acc * 256 + Number(b), 0);
  const net = (n & (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${prefix}`;
}

const has = (node: Node, name: string) => children(node, name).length > 0;

/** The tuples a pfSense config enforces. `zoneByTag` names each VLAN's zone; the rest is read from the file. */
export function parsePfsense(xml: string, zoneByTag: ReadonlyMap<number, string>): PolicyTuple[] {
  const root = parseXml(xml).pfsense?.[0];
  if (!root) throw new Error('pfsense: no <pfsense> root');
  const tagOfDevice = new Map<string, number>();
  for (const v of children(children(root, 'vlans')[0] ?? '', 'vlan')) {
    tagOfDevice.set(field(v, 'vlanif'), Number(field(v, 'tag')));
  }
  const ifsNode = children(root, 'interfaces')[0] ?? '';
  const ifs = new Map<string, Iface>();
  for (const key of childNames(ifsNode)) {
    const n = children(ifsNode, key)[0]!;
    if (key === 'wan') {
      ifs.set(key, { zone: 'wan' });
      continue;
    }
    const zone = zoneByTag.get(tagOfDevice.get(field(n, 'if')) ?? -1);
    if (!zone) throw new Error(`pfsense: interface ${key} carries no known VLAN`);
    ifs.set(key, { zone, cidr: cidrOf(field(n, 'ipaddr'), Number(field(n, 'subnet'))) });
  }
  const aliases = new Map<string, { type: string; items: string[] }>();
  for (const a of children(children(root, 'aliases')[0] ?? '', 'alias')) {
    aliases.set(field(a, 'name'), {
      type: field(a, 'type'),
      items: field(a, 'address').split(' ').filter(Boolean),
    });
  }
  const hosts = (name: string) => {
    const a = aliases.get(name);
    if (a?.type !== 'host') throw new Error(`pfsense: ${name} is not a host alias`);
    return a.items;
  };
  const zoneOf = (addrs: string[]) => {
    const zones = new Set(
      addrs.map((ip) => [...ifs.values()].find((i) => i.cidr && inCidr(ip, i.cidr))?.zone),
    );
    if (zones.size !== 1 || zones.has(undefined))
      throw new Error(`pfsense: ${addrs.join(',')} span no single zone`);
    return [...zones][0]!;
  };

  const out: PolicyTuple[] = [];
  for (const r of children(children(root, 'filter')[0] ?? '', 'rule')) {
    if (has(r, 'disabled') || has(r, 'floating'))
      throw new Error(`pfsense: rule ${field(r, 'tracker')} is disabled or floating`);
    const from = ifs.get(field(r, 'interface'))?.zone;
    if (!from) throw new Error(`pfsense: rule on unknown interface ${field(r, 'interface')}`);
    const source = children(r, 'source')[0]!;
    if (has(source, 'not') || has(source, 'network')) throw new Error('pfsense: unexpected source form');
    const src = has(source, 'any') ? '*' : addrKey(hosts(field(source, 'address')));
    const d = children(r, 'destination')[0]!;
    let to: string;
    let dst = '*';
    if (has(d, 'not')) {
      const a = aliases.get(field(d, 'address'));
      if (a?.type !== 'network' || [...a.items].sort().join() !== [...PRIVATE_NETS].sort().join()) {
        throw new Error('pfsense: negated destination is not the private ranges');
      }
      to = 'internet';
    } else if (has(d, 'any')) to = 'any';
    else if (field(d, 'network') === '(self)') to = 'firewall';
    else if (has(d, 'network')) to = ifs.get(field(d, 'network'))?.zone ?? '?';
    else {
      const addrs = hosts(field(d, 'address'));
      to = zoneOf(addrs);
      dst = addrKey(addrs);
    }
    const proto = field(r, 'protocol');
    const protocol = proto === '' ? 'any' : (proto as PolicyTuple['protocol']);
    if (!['any', 'tcp', 'udp', 'icmp'].includes(protocol)) throw new Error(`pfsense: protocol ${proto}`);
    const portText = field(d, 'port');
    const ports: (number | null)[] =
      portText === ''
        ? [null]
        : /^\d+$/.test(portText)
          ? [Number(portText)]
          : (aliases.get(portText)?.items.map(Number) ?? []);
    if (ports.length === 0) throw new Error(`pfsense: port alias ${portText} missing`);
    for (const port of ports) {
      out.push({
        from,
        src,
        to,
        dst,
        protocol,
        port,
        icmpType: protocol === 'icmp' && field(r, 'icmptype') === 'echoreq' ? 'echo-request' : null,
        action: field(r, 'type') === 'pass' ? 'pass' : 'block',
        log: has(r, 'log'),
      });
    }
  }
  return out;
}
