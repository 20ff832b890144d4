// Parses the rendered nftables ruleset back into policy tuples, so a test can prove it equals the policy form.

import type { RouterInterfaces } from '../linux/ifnames.ts';
import { PRIVATE_SET } from '../linux/nftables.ts';
import { WAN } from '../policy/compile.ts';
import { FIREWALL, INTERNET, type RuleProtocol } from '../policy/types.ts';
import { addrKey, canonicalOrder, type PolicyTuple, perPort } from './tuples.ts';

interface Chain {
  name: string;
  rules: string[];
}

interface ParsedRuleset {
  sets: Map<string, string[]>;
  chains: Map<string, Chain>;
}

/** Splits `table inet beelab { ... }` into sets and chains; anything it does not understand is an error. */
function structure(text: string): ParsedRuleset {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '');
  const sets = new Map<string, string[]>();
  const chains = new Map<string, Chain>();
  let block: { kind: 'set' | 'chain'; name: string; body: string[] } | undefined;
  let inTable = false;
  for (const line of lines) {
    if (!inTable) {
      if (/^table inet \w+ \{$/.test(line)) inTable = true;
      else if (!/^(table|delete table) inet \w+$/.test(line)) throw new Error(`nft: unexpected line ${line}`);
      continue;
    }
    if (!block) {
      const m = /^(set|chain) ([A-Za-z_][\w-]*) \{$/.exec(line);
      if (m) block = { kind: m[1] as 'set' | 'chain', name: m[2]!, body: [] };
      else if (line === '}') inTable = false;
      else throw new Error(`nft: unexpected line in table: ${line}`);
      continue;
    }
    if (line !== '}') {
      block.body.push(line);
      continue;
    }
    if (block.kind === 'set') {
      const el = block.body.find((l) => l.startsWith('elements = {'));
      const inner = el ? /^elements = \{(.*)\}$/.exec(el)?.[1] : '';
      sets.set(
        block.name,
        (inner ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    } else {
      chains.set(block.name, { name: block.name, rules: block.body });
    }
    block = undefined;
  }
  return { sets, chains };
}

/** Tokens of one rule; a quoted string and a `{ ... }` list are one token each. */
function tokens(rule: string): string[] {
  const out: string[] = [];
  const re = /"[^"]*"|\{[^}]*\}|\S+/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) out.push(m[0]);
  return out;
}

function list(tok: string): string[] {
  const body = tok.startsWith('{') ? tok.slice(1, -1) : tok;
  return body
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

interface RuleMatch {
  oif?: string;
  internet: boolean;
  src?: string[];
  dst?: string[];
  protocol: RuleProtocol;
  ports: number[];
  icmpType: string | null;
  log: boolean;
  action: 'pass' | 'block';
}

/** One zone-chain rule; returns undefined for the anti-spoofing guard, which is not part of the policy. */
function parseRule(rule: string, sets: Map<string, string[]>): RuleMatch | undefined {
  const t = tokens(rule);
  const m: RuleMatch = {
    internet: false,
    protocol: 'any',
    ports: [],
    icmpType: null,
    log: false,
    action: 'block',
  };
  let verdict = false;
  const addrs = (tok: string): string[] => {
    if (tok.startsWith('@')) {
      const s = sets.get(tok.slice(1));
      if (!s) throw new Error(`nft: rule uses unknown set ${tok}: ${rule}`);
      return s;
    }
    return list(tok);
  };
  for (let i = 0; i < t.length; ) {
    const a = t[i];
    const b = t[i + 1];
    const c = t[i + 2];
    if (a === 'ip' && b === 'saddr' && c === '!=') return undefined;
    if (a === 'oifname' && b) {
      m.oif = b.slice(1, -1);
      i += 2;
    } else if (a === 'ip' && b === 'daddr' && c === '!=' && t[i + 3] === `@${PRIVATE_SET}`) {
      m.internet = true;
      i += 4;
    } else if (a === 'ip' && (b === 'saddr' || b === 'daddr') && c) {
      m[b === 'saddr' ? 'src' : 'dst'] = addrs(c);
      i += 3;
    } else if ((a === 'tcp' || a === 'udp') && b === 'dport' && c) {
      m.protocol = a;
      m.ports = list(c).map(Number);
      i += 3;
    } else if (a === 'meta' && b === 'l4proto' && (c === 'tcp' || c === 'udp' || c === 'icmp')) {
      m.protocol = c;
      i += 3;
    } else if (a === 'icmp' && b === 'type' && c) {
      m.protocol = 'icmp';
      m.icmpType = c;
      i += 3;
    } else if (a === 'log' && b === 'prefix' && c) {
      m.log = true;
      i += 3;
    } else if (a === 'accept' || a === 'drop') {
      m.action = a === 'accept' ? 'pass' : 'block';
      verdict = true;
      i += 1;
    } else if (a === 'comment' && b) {
      i += 2;
    } else {
      throw new Error(`nft: cannot read ${t.slice(i).join(' ')} in rule: ${rule}`);
    }
  }
  if (!verdict) throw new Error(`nft: rule without verdict: ${rule}`);
  return m;
}

function toTuples(from: string, to: string, m: RuleMatch): PolicyTuple[] {
  return perPort(
    {
      from,
      src: addrKey(m.src),
      to,
      dst: addrKey(m.dst),
      protocol: m.protocol,
      icmpType: m.icmpType,
      action: m.action,
      log: m.log,
    },
    [...m.ports].sort((x, y) => x - y),
  );
}

/** zone of each `iifname "X" jump <chain>` in a base chain. */
function dispatchTable(chain: Chain | undefined, ifZone: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of chain?.rules ?? []) {
    const m = /^iifname "([^"]+)" jump (\S+)$/.exec(r);
    if (!m) continue;
    const zone = ifZone.get(m[1]!);
    if (!zone) throw new Error(`nft: dispatch from unknown interface ${m[1]}`);
    out.set(zone, m[2]!);
  }
  return out;
}

/** The tuples a rendered ruleset enforces, in canonical order (see canonicalOrder). */
export function parseNftables(text: string, ifs: RouterInterfaces): PolicyTuple[] {
  const { sets, chains } = structure(text);
  const ifZone = new Map<string, string>([[ifs.wan, WAN]]);
  for (const [zone, name] of ifs.vlans) ifZone.set(name, zone);
  const zoneOfIf = (name: string) => {
    const z = ifZone.get(name);
    if (!z) throw new Error(`nft: rule sends to unknown interface ${name}`);
    return z;
  };
  const input = dispatchTable(chains.get('input'), ifZone);
  const forward = dispatchTable(chains.get('forward'), ifZone);
  const zones = [...new Set([...input.keys(), ...forward.keys()])];
  const out: PolicyTuple[] = [];
  for (const zone of zones) {
    const inRules = (chains.get(input.get(zone) ?? '')?.rules ?? []).map((r) => parseRule(r, sets));
    const fwdRules = (chains.get(forward.get(zone) ?? '')?.rules ?? []).map((r) => parseRule(r, sets));
    const fromIn = inRules.filter((r): r is RuleMatch => r !== undefined);
    const fromFwd = fwdRules.filter((r): r is RuleMatch => r !== undefined);
    // A rule without oifname in the forward chain applies to every destination; its twin must sit at the
    // same place in the input chain, and the pair is one `to: any` tuple.
    let i = 0;
    let routed: PolicyTuple[] = [];
    for (const r of fromFwd) {
      if (r.oif !== undefined || r.internet) {
        if (r.internet && r.oif !== ifs.wan)
          throw new Error(`nft: internet rule leaves by ${r.oif}, not the WAN`);
        routed.push(...toTuples(zone, r.internet ? INTERNET : zoneOfIf(r.oif!), r));
        continue;
      }
      const twin = fromIn.findIndex((x, k) => k >= i && JSON.stringify(x) === JSON.stringify(r));
      if (twin < 0) {
        routed.push(...toTuples(zone, 'forwarded-only', r));
        continue;
      }
      for (const x of fromIn.slice(i, twin)) out.push(...toTuples(zone, FIREWALL, x));
      out.push(...routed, ...toTuples(zone, 'any', r));
      routed = [];
      i = twin + 1;
    }
    for (const x of fromIn.slice(i)) out.push(...toTuples(zone, FIREWALL, x));
    out.push(...routed);
  }
  return canonicalOrder(out);
}
