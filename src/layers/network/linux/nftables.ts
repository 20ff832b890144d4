// Renders the policy form as one nftables table for a Debian router (inet family, IPv4 policy, stateful).
import { WAN } from '../policy/compile.ts';
import { FIREWALL, INTERNET, type Policy, type PolicyRule, PRIVATE_NETS } from '../policy/types.ts';
import { type RouterInterfaces, zoneIfname } from './ifnames.ts';

/** The table the ruleset owns; replaced atomically, other tables on the router are left alone. */
export const NFT_TABLE = 'beelab';
/** The set of address space that is never "internet". */
export const PRIVATE_SET = 'private_nets';

/** Chain of the rules for traffic entering from `zone`, to the firewall itself (`in`) or routed on (`fwd`). */
export function zoneChain(zone: string, dir: 'in' | 'fwd'): string {
  return `${dir}_${zone.replace(/-/g, '_')}`;
}

// nft caps comments at 128 bytes; ids are ASCII.
function comment(text: string): string {
  const safe = text.replace(/["\\]/g, "'");
  return `comment "${safe.length > 120 ? `${safe.slice(0, 117)}...` : safe}"`;
}

function portMatch(proto: 'tcp' | 'udp', ports: number[]): string {
  if (ports.length === 0) return `meta l4proto ${proto}`;
  return ports.length === 1 ? `${proto} dport ${ports[0]}` : `${proto} dport { ${ports.join(', ')} }`;
}

function protoMatch(r: PolicyRule): string | undefined {
  switch (r.protocol) {
    case 'tcp':
    case 'udp':
      return portMatch(r.protocol, r.ports);
    case 'icmp':
      return r.icmpType ? `icmp type ${r.icmpType}` : 'meta l4proto icmp';
    case 'any':
      return undefined;
  }
}

/** One nft rule line for a policy rule, as seen in the chain of its `from` zone. */
function ruleLine(r: PolicyRule, dir: 'in' | 'fwd', ifs: RouterInterfaces): string {
  const m: string[] = [];
  if (dir === 'fwd') {
    if (r.to === INTERNET) m.push(`oifname "${ifs.wan}"`, `ip daddr != @${PRIVATE_SET}`);
    else if (r.to !== 'any') m.push(`oifname "${zoneIfname(ifs, r.to)}"`);
  }
  if (r.fromAddrs) m.push(`ip saddr @${r.fromAddrs}`);
  if (r.toAddrs) m.push(`ip daddr @${r.toAddrs}`);
  const proto = protoMatch(r);
  if (proto) m.push(proto);
  if (r.log) m.push(`log prefix "beelab ${r.action} ${r.from}: "`);
  m.push(r.action === 'pass' ? 'accept' : 'drop');
  m.push(comment(r.id));
  return m.join(' ');
}

function chainsFor(policy: Policy, ifs: RouterInterfaces): string[] {
  const out: string[] = [];
  for (const z of policy.zones) {
    const rules = policy.rules.filter((r) => r.from === z.name);
    const inRules = rules.filter((r) => r.to === FIREWALL || r.to === 'any');
    const fwdRules = rules.filter((r) => r.to !== FIREWALL);
    out.push(`  chain ${zoneChain(z.name, 'in')} {`);
    for (const r of inRules) out.push(`    ${ruleLine(r, 'in', ifs)}`);
    out.push('  }', '');
    out.push(`  chain ${zoneChain(z.name, 'fwd')} {`);
    // A VLAN only ever sources its own subnet: anything else is spoofed (or a misconfigured device).
    if (z.kind === 'vlan' && z.cidr) out.push(`    ip saddr != ${z.cidr} drop comment "anti-spoofing"`);
    for (const r of fwdRules) out.push(`    ${ruleLine(r, 'fwd', ifs)}`);
    out.push('  }', '');
  }
  return out;
}

function dispatch(policy: Policy, ifs: RouterInterfaces, dir: 'in' | 'fwd'): string[] {
  return policy.zones.map((z) => `    iifname "${zoneIfname(ifs, z.name)}" jump ${zoneChain(z.name, dir)}`);
}

/**
 * The whole ruleset file. First match wins inside each zone chain, exactly as in the policy; every verdict is
 * final, so a zone chain never falls through to another zone. IPv6 is not routed (the policy is IPv4).
 */
export function renderNftables(policy: Policy, ifs: RouterInterfaces, header: string): string {
  const zonesWithWan = policy.zones.some((z) => z.name === WAN);
  if (!zonesWithWan) throw new Error('policy has no wan zone');
  const lines: string[] = [
    '#!/usr/sbin/nft -f',
    ...header.split('\n').map((l) => `# ${l}`.trimEnd()),
    '',
    '# Replace only this table, atomically; other tables on the router are left alone.',
    `table inet ${NFT_TABLE}`,
    `delete table inet ${NFT_TABLE}`,
    '',
    `table inet ${NFT_TABLE} {`,
    `  set ${PRIVATE_SET} {`,
    '    type ipv4_addr',
    '    flags interval',
    `    elements = { ${PRIVATE_NETS.join(', ')} }`,
    '  }',
    '',
  ];
  for (const s of policy.sets) {
    lines.push(`  set ${s.name} {`, '    type ipv4_addr', `    ${comment(s.description)}`);
    if (s.addresses.length > 0) lines.push(`    elements = { ${s.addresses.join(', ')} }`);
    lines.push('  }', '');
  }
  lines.push(
    '  chain input {',
    '    type filter hook input priority filter; policy drop;',
    '    iifname "lo" accept',
    '    ct state established,related accept',
    '    ct state invalid drop',
    '    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept',
    '    meta nfproto != ipv4 drop',
    ...dispatch(policy, ifs, 'in'),
    '  }',
    '',
    '  chain forward {',
    '    type filter hook forward priority filter; policy drop;',
    '    ct state established,related accept',
    '    ct state invalid drop',
    '    meta nfproto != ipv4 drop',
    ...dispatch(policy, ifs, 'fwd'),
    '  }',
    '',
    '  chain output {',
    '    type filter hook output priority filter; policy accept;',
    '  }',
    '',
    ...chainsFor(policy, ifs),
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
  );
  if (policy.nat.length > 0) {
    const nets = policy.nat.map((n) => n.cidr);
    const src = nets.length === 1 ? nets[0] : `{ ${nets.join(', ')} }`;
    lines.push(`    oifname "${ifs.wan}" ip saddr ${src} masquerade comment "outbound NAT"`);
  }
  lines.push('  }', '}', '');
  return lines.join('\n');
}
