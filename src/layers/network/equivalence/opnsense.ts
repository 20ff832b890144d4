// Reads an OPNsense config.xml back into normalized tuples: what the firewall would actually enforce.
import { inCidr } from '../policy/names.ts';
import { PRIVATE_NETS } from '../policy/types.ts';
import { addrKey, type PolicyTuple } from './tuples.ts';
import { attr, childNames, children, field, type Node, parseXml } from './xml.ts';

/** An interface read from the config: its key, the zone it carries (by VLAN tag) and its subnet. */
interface Iface {
  key: string;
  zone: string;
  cidr?: string;
}

function path(node: Node | undefined, ...names: string[]): Node | undefined {
  let n = node;
  for (const name of names) n = n === undefined ? undefined : children(n, name)[0];
  return n;
}

function networkOf(address: string, prefix: number): string {
  const n = address.split('.').reduce((acc, b) => acc * 256 + Number(b), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${prefix}`;
}

/** Interfaces by key; a VLAN interface's zone is the zone whose tag its device carries. */
function interfaces(root: Node, zoneByTag: ReadonlyMap<number, string>): Map<string, Iface> {
  const ifs = path(root, 'interfaces');
  const vlanTags = new Map<string, number>();
  for (const v of children(path(root, 'vlans') ?? '', 'vlan'))
    vlanTags.set(field(v, 'vlanif'), Number(field(v, 'tag')));
  const out = new Map<string, Iface>();
  for (const key of ifs ? childNames(ifs) : []) {
    const node = children(ifs!, key)[0]!;
    if (key === 'wan') {
      out.set(key, { key, zone: 'wan' });
      continue;
    }
    const tag = vlanTags.get(field(node, 'if'));
    const zone = tag === undefined ? undefined : zoneByTag.get(tag);
    if (!zone) throw new Error(`opnsense: interface ${key} (${field(node, 'if')}) carries no known VLAN`);
    out.set(key, { key, zone, cidr: networkOf(field(node, 'ipaddr'), Number(field(node, 'subnet'))) });
  }
  return out;
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
  const ifs = interfaces(root, zoneByTag);
  const aliases = new Map<string, { type: string; content: string[] }>();
  for (const a of children(path(root, 'OPNsense', 'Firewall', 'Alias', 'aliases') ?? '', 'alias')) {
    aliases.set(field(a, 'name'), {
      type: field(a, 'type'),
      content: field(a, 'content').split('\n').filter(Boolean),
    });
  }
  const hostAlias = (name: string) => {
    const a = aliases.get(name);
    if (a?.type !== 'host') throw new Error(`opnsense: ${name} is not a host alias`);
    return a.content;
  };
  const zoneOfAddresses = (addresses: string[]) => {
    const zones = new Set(
      addresses.map((ip) => [...ifs.values()].find((i) => i.cidr && inCidr(ip, i.cidr))?.zone ?? '?'),
    );
    if (zones.size !== 1 || zones.has('?'))
      throw new Error(`opnsense: ${addresses.join(',')} span no single zone`);
    return [...zones][0]!;
  };
  const isPrivateAlias = (name: string) => {
    const a = aliases.get(name);
    return a?.type === 'network' && [...a.content].sort().join() === [...PRIVATE_NETS].sort().join();
  };

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
    const src = srcNet === 'any' ? '*' : addrKey(hostAlias(srcNet));
    const dstNet = field(r, 'destination_net');
    const not = field(r, 'destination_not') === '1';
    let to: string;
    let dst = '*';
    if (not) {
      if (!isPrivateAlias(dstNet))
        throw new Error(`opnsense: negated destination ${dstNet} is not the private ranges`);
      to = 'internet';
    } else if (dstNet === '(self)') to = 'firewall';
    else if (dstNet === 'any') to = 'any';
    else if (ifs.has(dstNet)) to = ifs.get(dstNet)!.zone;
    else {
      const addrs = hostAlias(dstNet);
      to = zoneOfAddresses(addrs);
      dst = addrKey(addrs);
    }
    const protocol = PROTOCOLS[field(r, 'protocol')];
    if (!protocol) throw new Error(`opnsense: protocol ${field(r, 'protocol')} has no tuple form`);
    const icmp = field(r, 'icmptype');
    const portText = field(r, 'destination_port');
    const ports: (number | null)[] =
      portText === ''
        ? [null]
        : /^\d+$/.test(portText)
          ? [Number(portText)]
          : (aliases.get(portText)?.content.map(Number) ?? []);
    if (ports.length === 0) throw new Error(`opnsense: port alias ${portText} is empty or missing`);
    for (const port of ports) {
      out.push({
        from,
        src,
        to,
        dst,
        protocol,
        port,
        icmpType: protocol === 'icmp' && icmp === 'echoreq' ? 'echo-request' : null,
        action: field(r, 'action') === 'pass' ? 'pass' : 'block',
        log: field(r, 'log') === '1',
      });
    }
  }
  return out;
}
