// Reads an OPNsense config.xml back into normalized tuples: what the firewall would actually enforce.
import { ConfigAliases } from './config-aliases.ts';
import { readInterfaces, zoneOfAddresses } from './config-interfaces.ts';
import { addrKey, type PolicyTuple, perPort } from './tuples.ts';
import { attr, children, field, type Node, parseXml } from './xml.ts';

function path(node: Node | undefined, ...names: string[]): Node | undefined {
  let n = node;
  for (const name of names) n = n === undefined ? undefined : children(n, name)[0];
  return n;
}

const PROTOCOLS: Record<string, PolicyTuple['protocol']> = {
  TCP: 'tcp',
  UDP: 'udp',
  ICMP: 'icmp',
  any: 'any',
};

/**
 * The tuples config.xml enforces, per interface in sequence order. `zoneByTag` names each VLAN's zone; every
 * other fact (sets, destinations, ports) is read from the config itself.
 */
export function parseOpnsense(xml: string, zoneByTag: ReadonlyMap<number, string>): PolicyTuple[] {
  const root = parseXml(xml).opnsense?.[0];
  if (!root) throw new Error('opnsense: no <opnsense> root');
  const ifs = readInterfaces(root, zoneByTag, 'opnsense');
  const aliases = new ConfigAliases('opnsense');
  for (const a of children(path(root, 'OPNsense', 'Firewall', 'Alias', 'aliases') ?? '', 'alias'))
    aliases.add(field(a, 'name'), field(a, 'type'), field(a, 'content').split('\n').filter(Boolean));

  const rules = children(path(root, 'OPNsense', 'Firewall', 'Filter', 'rules') ?? '', 'rule')
    .filter((r) => field(r, 'enabled') === '1')
    .map((r) => ({ r, seq: Number(field(r, 'sequence')) }))
    .sort((a, b) => a.seq - b.seq);
  const out: PolicyTuple[] = [];
  for (const { r } of rules) {
    const ifKeys = field(r, 'interface').split(',');
    if (ifKeys.length !== 1)
      throw new Error(`opnsense: rule ${attr(r, 'uuid')} is floating (${ifKeys.join(',')})`);
    if (field(r, 'direction') !== 'in' || field(r, 'quick') !== '1' || field(r, 'source_not') === '1') {
      throw new Error(`opnsense: rule ${attr(r, 'uuid')} is not an inbound quick rule on a plain source`);
    }
    const from = ifs.get(ifKeys[0]!)?.zone;
    if (!from) throw new Error(`opnsense: rule on unknown interface ${ifKeys[0]}`);
    const srcNet = field(r, 'source_net');
    const src = srcNet === 'any' ? '*' : addrKey(aliases.hosts(srcNet));
    const dstNet = field(r, 'destination_net');
    const not = field(r, 'destination_not') === '1';
    let to: string;
    let dst = '*';
    if (not) {
      if (!aliases.isPrivateRanges(dstNet))
        throw new Error(`opnsense: negated destination ${dstNet} is not the private ranges`);
      to = 'internet';
    } else if (dstNet === '(self)') to = 'firewall';
    else if (dstNet === 'any') to = 'any';
    else if (ifs.has(dstNet)) to = ifs.get(dstNet)!.zone;
    else {
      const addrs = aliases.hosts(dstNet);
      to = zoneOfAddresses(ifs, addrs, 'opnsense');
      dst = addrKey(addrs);
    }
    const protocol = PROTOCOLS[field(r, 'protocol')];
    if (!protocol) throw new Error(`opnsense: protocol ${field(r, 'protocol')} has no tuple form`);
    const icmp = field(r, 'icmptype');
    out.push(
      ...perPort(
        {
          from,
          src,
          to,
          dst,
          protocol,
          icmpType: protocol === 'icmp' && icmp === 'echoreq' ? 'echo-request' : null,
          action: field(r, 'action') === 'pass' ? 'pass' : 'block',
          log: field(r, 'log') === '1',
        },
        aliases.ports(field(r, 'destination_port')),
      ),
    );
  }
  return out;
}
