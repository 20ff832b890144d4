// Reads a pfSense config.xml back into normalized tuples, in the order pfSense evaluates each interface's rules.
import { PRIVATE_NETS } from '../policy/types.ts';
import { readInterfaces, zoneOfAddresses } from './config-interfaces.ts';
import { addrKey, type PolicyTuple } from './tuples.ts';
import { children, field, type Node, parseXml } from './xml.ts';

const has = (node: Node, name: string) => children(node, name).length > 0;

/** The tuples a pfSense config enforces. `zoneByTag` names each VLAN's zone; the rest is read from the file. */
export function parsePfsense(xml: string, zoneByTag: ReadonlyMap<number, string>): PolicyTuple[] {
  const root = parseXml(xml).pfsense?.[0];
  if (!root) throw new Error('pfsense: no <pfsense> root');
  const ifs = readInterfaces(root, zoneByTag, 'pfsense');
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
      to = zoneOfAddresses(ifs, addrs, 'pfsense');
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
