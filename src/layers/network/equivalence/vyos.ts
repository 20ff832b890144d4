// Reads VyOS `set` commands back into normalized tuples (input and forward chains per zone, in rule order).
import { addrKey, type PolicyTuple, perPort } from './tuples.ts';

/** Splits one `set` line into words, honouring single quotes. */
export function words(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2]!);
  return out;
}

/** The configuration as path → values (a path may repeat, e.g. a group's addresses). */
type Config = Map<string, string[]>;

function load(text: string): Config {
  const config: Config = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('set ')) continue;
    const w = words(line).slice(1);
    // Values are always quoted; an unquoted last word is a valueless leaf (log, default-log, authoritative).
    const valueless = !line.endsWith("'");
    const key = valueless ? w.join(' ') : w.slice(0, -1).join(' ');
    const value = valueless ? '' : w.at(-1)!;
    config.set(key, [...(config.get(key) ?? []), value]);
  }
  return config;
}

const one = (c: Config, key: string) => c.get(key)?.[0];

/** Rule numbers under a chain prefix, ascending. */
function ruleNumbers(c: Config, prefix: string): number[] {
  const nums = new Set<number>();
  for (const key of c.keys()) {
    if (!key.startsWith(`${prefix} rule `)) continue;
    nums.add(Number(key.slice(prefix.length + 6).split(' ')[0]));
  }
  return [...nums].sort((a, b) => a - b);
}

/**
 * The tuples the commands enforce, in canonicalOrder. `zoneByTag` names each VLAN's zone; interfaces, groups,
 * chains and jumps are all read from the commands.
 */
export function parseVyos(text: string, zoneByTag: ReadonlyMap<number, string>): PolicyTuple[] {
  const c = load(text);
  const zoneOfIf = new Map<string, string>();
  let wan: string | undefined;
  for (const [key, values] of c) {
    const m = /^interfaces ethernet (\S+)(?: vif (\d+))? address$/.exec(key);
    if (!m) continue;
    if (!m[2] && values.includes('dhcp')) {
      wan = m[1]!;
      zoneOfIf.set(m[1]!, 'wan');
    } else if (m[2]) {
      const zone = zoneByTag.get(Number(m[2]));
      if (!zone) throw new Error(`vyos: vif ${m[2]} carries no known VLAN`);
      zoneOfIf.set(`${m[1]}.${m[2]}`, zone);
    }
  }
  const group = (kind: string, name: string) => {
    const v = c.get(`firewall group ${kind} ${name} ${kind === 'network-group' ? 'network' : 'address'}`);
    if (!v) throw new Error(`vyos: ${kind} ${name} is not defined`);
    return v;
  };
  const jumps = (dir: 'input' | 'forward') => {
    const prefix = `firewall ipv4 ${dir} filter`;
    const out = new Map<string, string>();
    for (const n of ruleNumbers(c, prefix)) {
      const iface = one(c, `${prefix} rule ${n} inbound-interface name`);
      if (one(c, `${prefix} rule ${n} action`) !== 'jump') continue;
      const zone = zoneOfIf.get(iface ?? '');
      if (!zone) throw new Error(`vyos: ${dir} jump from unknown interface ${iface}`);
      out.set(zone, one(c, `${prefix} rule ${n} jump-target`)!);
    }
    return out;
  };
  const input = jumps('input');
  const forward = jumps('forward');
  const out: PolicyTuple[] = [];
  const zones = [...new Set([...input.keys(), ...forward.keys()])];
  for (const zone of zones) {
    const tail: PolicyTuple[] = [];
    for (const [dir, chain] of [
      ['in', input.get(zone)],
      ['fwd', forward.get(zone)],
    ] as const) {
      if (!chain) throw new Error(`vyos: zone ${zone} lacks its ${dir} chain`);
      const prefix = `firewall ipv4 name ${chain}`;
      for (const n of ruleNumbers(c, prefix)) {
        const r = (leaf: string) => one(c, `${prefix} rule ${n} ${leaf}`);
        let to = 'firewall';
        let dst = '*';
        const outIf = r('outbound-interface name');
        const dstGroup = r('destination group address-group');
        const netGroup = r('destination group network-group');
        if (dir === 'fwd') {
          if (netGroup === '!private_nets' && outIf === wan) to = 'internet';
          else if (netGroup !== undefined)
            throw new Error(`vyos: ${chain} rule ${n} has network-group ${netGroup}`);
          else to = zoneOfIf.get(outIf ?? '') ?? '?';
          if (to === '?' || to === 'wan') throw new Error(`vyos: ${chain} rule ${n} leaves by ${outIf}`);
        } else if (outIf || netGroup) throw new Error(`vyos: input rule ${chain} ${n} names a destination`);
        if (dstGroup) dst = addrKey(group('address-group', dstGroup));
        const srcGroup = r('source group address-group');
        const protocol = (r('protocol') ?? 'any') as PolicyTuple['protocol'];
        const portText = r('destination port');
        out.push(
          ...perPort(
            {
              from: zone,
              src: srcGroup ? addrKey(group('address-group', srcGroup)) : '*',
              to,
              dst,
              protocol,
              icmpType: protocol === 'icmp' ? (r('icmp type-name') ?? null) : null,
              action: r('action') === 'accept' ? 'pass' : 'block',
              log: c.has(`${prefix} rule ${n} log`),
            },
            portText ? portText.split(',').map(Number) : [],
          ),
        );
      }
      tail.push({
        from: zone,
        src: '*',
        to: 'any',
        dst: '*',
        protocol: 'any',
        port: null,
        icmpType: null,
        action: one(c, `${prefix} default-action`) === 'accept' ? 'pass' : 'block',
        log: c.has(`${prefix} default-log`),
      });
    }
    const [a, b] = tail;
    if (a!.action !== b!.action || a!.log !== b!.log)
      throw new Error(`vyos: ${zone} chains disagree on the default`);
    out.push(a!);
  }
  return out;
}
