// Reads a pfSense config.xml back into normalized tuples, in the order pfSense evaluates each interface's rules.
import { ConfigAliases } from './config-aliases.ts';
import { readInterfaces, zoneOfAddresses } from './config-interfaces.ts';
import { addrKey, type PolicyTuple, perPort } from './tuples.ts';
import { children, field, type Node, parseXml } from './xml.ts';

const has = (node: Node, name: string) => children(node, name).length > 0;

/** The tuples a pfSense config enforces. `zoneByTag` names each VLAN's zone; the rest is read from the file. */
export function parsePfsense(xml: string, zoneByTag: ReadonlyMap<number, string>): PolicyTuple[] {
  const root = parseXml(xml).pfsense?.[0];
  if (!root) throw new Error('pfsense: no <pfsense> root');
  const ifs = readInterfaces(root, zoneByTag, 'pfsense');
  const aliases = new ConfigAliases('pfsense');
  for (const a of children(children(root, 'aliases')[0] ?? '', 'alias'))
    aliases.add(field(a, 'name'), field(a, 'type'), field(a, 'address').split(' ').filter(Boolean));

  const out: PolicyTuple[] = [];
  for (const r of children(children(root, 'filter')[0] ?? '', 'rule')) {
    if (has(r, 'disabled') || has(r, 'floating'))
      throw new Error(`pfsense: rule ${field(r, 'tracker')} is disabled or floating`);
    const from = ifs.get(field(r, 'interface'))?.zone;
    if (!from) throw new Error(`pfsense: rule on unknown interface ${field(r, 'interface')}`);
    const source = children(r, 'source')[0]!;
    if (has(source, 'not') || has(source, 'network')) throw new Error('pfsense: unexpected source form');
    const src = has(source, 'any') ? '*' : addrKey(aliases.hosts(field(source, 'address')));
    const d = children(r, 'destination')[0]!;
    let to: string;
    let dst = '*';
    if (has(d, 'not')) {
      if (!aliases.isPrivateRanges(field(d, 'address')))
        throw new Error('pfsense: negated destination is not the private ranges');
      to = 'internet';
    } else if (has(d, 'any')) to = 'any';
    else if (field(d, 'network') === '(self)') to = 'firewall';
    else if (has(d, 'network')) to = ifs.get(field(d, 'network'))?.zone ?? '?';
    else {
      const addrs = aliases.hosts(field(d, 'address'));
      to = zoneOfAddresses(ifs, addrs, 'pfsense');
      dst = addrKey(addrs);
    }
    const proto = field(r, 'protocol');
    const protocol = proto === '' ? 'any' : (proto as PolicyTuple['protocol']);
    if (!['any', 'tcp', 'udp', 'icmp'].includes(protocol)) throw new Error(`pfsense: protocol ${proto}`);
    out.push(
      ...perPort(
        {
          from,
          src,
          to,
          dst,
          protocol,
          icmpType: protocol === 'icmp' && field(r, 'icmptype') === 'echoreq' ? 'echo-request' : null,
          action: field(r, 'type') === 'pass' ? 'pass' : 'block',
          log: has(r, 'log'),
        },
        aliases.ports(field(d, 'port')),
      ),
    );
  }
  return out;
}
