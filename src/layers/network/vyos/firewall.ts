// VyOS 1.4+ firewall as `set` commands: groups, per-zone named chains, forward/input filters that jump to them.
import { UserError } from '../../../errors.ts';
import { FIREWALL, INTERNET, type Policy, type PolicyRule, PRIVATE_NETS } from '../policy/types.ts';

/** Network group of every private range; "internet" is "leaves by the WAN and is not in this group". */
export const VYOS_PRIVATE_GROUP = 'private_nets';
const STEP = 10;
/** VyOS rule numbers are 1-999999. */
const MAX_RULE = 999_999;

/** Chain names: `<zone>_in` for traffic to the router, `<zone>_fwd` for traffic it routes. */
export function vyosChain(zone: string, dir: 'in' | 'fwd'): string {
  return `${zone.replace(/[^A-Za-z0-9_-]/g, '_')}_${dir}`;
}

const q = (v: string | number) => `'${String(v).replace(/'/g, '')}'`;

/** Maps zones to VyOS interface names (eth0, eth1.10, ...). */
export interface VyosInterfaces {
  wan: string;
  byZone: ReadonlyMap<string, string>;
}

function ruleLines(base: string, rule: PolicyRule, ifs: VyosInterfaces): string[] {
  const lines = [`${base} action ${q(rule.action === 'pass' ? 'accept' : 'drop')}`];
  lines.push(`${base} description ${q(rule.why.slice(0, 250))}`);
  if (rule.protocol !== 'any') lines.push(`${base} protocol ${q(rule.protocol)}`);
  if (rule.protocol === 'icmp' && rule.icmpType) lines.push(`${base} icmp type-name ${q(rule.icmpType)}`);
  if (rule.fromAddrs) lines.push(`${base} source group address-group ${q(rule.fromAddrs)}`);
  if (rule.toAddrs) lines.push(`${base} destination group address-group ${q(rule.toAddrs)}`);
  if (rule.ports.length > 0) lines.push(`${base} destination port ${q(rule.ports.join(','))}`);
  if (rule.to === INTERNET) {
    lines.push(`${base} outbound-interface name ${q(ifs.wan)}`);
    lines.push(`${base} destination group network-group ${q(`!${VYOS_PRIVATE_GROUP}`)}`);
  } else if (rule.to !== FIREWALL && rule.to !== 'any') {
    const out = ifs.byZone.get(rule.to);
    if (!out) throw new Error(`vyos: no interface for zone ${rule.to}`);
    lines.push(`${base} outbound-interface name ${q(out)}`);
  }
  if (rule.log) lines.push(`${base} log`);
  return lines;
}

/**
 * Every policy rule lands in its zone's input chain (to the firewall) or forward chain (routed). A rule to
 * 'any' must be the zone's last rule: it becomes the chains' default action, which VyOS applies after all
 * rules. Anything else to 'any' has no faithful VyOS form, so rendering fails rather than reorder it.
 */
export function vyosFirewall(policy: Policy, ifs: VyosInterfaces): string[] {
  const lines: string[] = [
    `set firewall global-options state-policy established action 'accept'`,
    `set firewall global-options state-policy related action 'accept'`,
    `set firewall global-options state-policy invalid action 'drop'`,
  ];
  for (const net of PRIVATE_NETS)
    lines.push(`set firewall group network-group ${VYOS_PRIVATE_GROUP} network ${q(net)}`);
  for (const s of policy.sets) {
    lines.push(`set firewall group address-group ${s.name} description ${q(s.description)}`);
    for (const a of s.addresses) lines.push(`set firewall group address-group ${s.name} address ${q(a)}`);
  }
  const jumps = { in: [] as string[], fwd: [] as string[] };
  policy.zones.forEach((zone, zi) => {
    const iface = zone.kind === 'wan' ? ifs.wan : ifs.byZone.get(zone.name);
    if (!iface) throw new Error(`vyos: no interface for zone ${zone.name}`);
    const rules = policy.rules.filter((r) => r.from === zone.name);
    const last = rules.at(-1);
    const tail = last && last.to === 'any' && last.protocol === 'any' && !last.fromAddrs ? last : undefined;
    const body = tail ? rules.slice(0, -1) : rules;
    const bad = body.find((r) => r.to === 'any');
    if (bad)
      throw new UserError(
        `VyOS backend: rule ${bad.id} matches every destination before other rules; VyOS splits input and forward chains and cannot keep that order`,
      );
    for (const dir of ['in', 'fwd'] as const) {
      const chain = vyosChain(zone.name, dir);
      const prefix = `set firewall ipv4 name ${chain}`;
      lines.push(
        `${prefix} default-action ${q(tail ? (tail.action === 'pass' ? 'accept' : 'drop') : 'drop')}`,
      );
      if (tail?.log) lines.push(`${prefix} default-log`);
      lines.push(
        `${prefix} description ${q(`${zone.name}: ${dir === 'in' ? 'to the firewall' : 'routed'}`)}`,
      );
      const mine = body.filter((r) => (dir === 'in' ? r.to === FIREWALL : r.to !== FIREWALL));
      if ((mine.length + 1) * STEP > MAX_RULE)
        throw new UserError(`VyOS backend: too many rules in ${chain}`);
      mine.forEach((r, i) => {
        lines.push(...ruleLines(`${prefix} rule ${(i + 1) * STEP}`, r, ifs));
      });
      const n = (zi + 1) * STEP;
      jumps[dir].push(
        `set firewall ipv4 ${dir === 'in' ? 'input' : 'forward'} filter rule ${n} action 'jump'`,
        `set firewall ipv4 ${dir === 'in' ? 'input' : 'forward'} filter rule ${n} jump-target ${q(chain)}`,
        `set firewall ipv4 ${dir === 'in' ? 'input' : 'forward'} filter rule ${n} inbound-interface name ${q(iface)}`,
      );
    }
  });
  lines.push(
    `set firewall ipv4 input filter default-action 'drop'`,
    // The router talking to itself (its resolver, NTP) must not hit the zone policy.
    `set firewall ipv4 input filter rule 1 action 'accept'`,
    `set firewall ipv4 input filter rule 1 inbound-interface name 'lo'`,
    ...jumps.in,
    `set firewall ipv4 forward filter default-action 'drop'`,
    ...jumps.fwd,
  );
  return lines;
}
