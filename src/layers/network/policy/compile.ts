// Compiles the Site's flows into the policy form, on a default-deny baseline.
import { UserError } from '../../../errors.ts';
import type { Flow, Site, Vlan } from '../../../site/types.ts';
import { describeEndpoint, EndpointResolver, type Placement } from './endpoints.ts';
import { mergeDestinations } from './merge.ts';
import {
  FIREWALL,
  INTERNET,
  type Policy,
  type PolicyRule,
  RESERVED_ZONE_NAMES,
  type UnenforcedFlow,
  type Zone,
} from './types.ts';

/** The zone of the uplink. */
export const WAN = 'wan';

/** Web ports the 'limited' egress allows (DNS goes through the firewall's resolver, allowed by the baseline). */
export const LIMITED_EGRESS_PORTS = [80, 443];

function zoneOf(v: Vlan): Zone {
  return {
    name: v.name,
    kind: 'vlan',
    tag: v.id,
    cidr: v.cidr,
    gateway: v.gateway,
    prefix: v.prefix,
    purpose: v.purpose,
    internet: v.internet,
    ...(v.ifSlot !== undefined ? { ifSlot: v.ifSlot } : {}),
  };
}

type RuleInput = Omit<PolicyRule, 'ports'> & { ports?: number[] };

function rule(r: RuleInput): PolicyRule {
  const ports =
    r.protocol === 'tcp' || r.protocol === 'udp' ? [...new Set(r.ports ?? [])].sort((a, b) => a - b) : [];
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535)
      throw new UserError(`rule ${r.id}: port ${p} is not 1-65535`);
  }
  return { ...r, ports };
}

/** DNS, DHCP, NTP and ping to the firewall: what every VLAN needs to work at all. */
function baseline(v: Vlan): PolicyRule[] {
  const id = (what: string) => `baseline/${v.name}/${what}`;
  const base = { from: v.name, to: FIREWALL, action: 'pass', log: false, origin: 'baseline' } as const;
  const rules: PolicyRule[] = [
    rule({ ...base, id: id('dns-udp'), protocol: 'udp', ports: [53], why: 'DNS to the firewall resolver' }),
    rule({
      ...base,
      id: id('dns-tcp'),
      protocol: 'tcp',
      ports: [53],
      why: 'DNS over TCP to the firewall resolver',
    }),
  ];
  if (v.dhcp && v.dhcpRange) {
    rules.push(
      rule({ ...base, id: id('dhcp'), protocol: 'udp', ports: [67], why: 'DHCP from the firewall' }),
    );
  }
  rules.push(
    rule({ ...base, id: id('ntp'), protocol: 'udp', ports: [123], why: 'NTP from the firewall' }),
    rule({
      ...base,
      id: id('ping'),
      protocol: 'icmp',
      icmpType: 'echo-request',
      why: 'ping the gateway (diagnostics); ICMP errors ride on connection state',
    }),
  );
  return rules;
}

/** The management VLAN reaches the firewall and every other VLAN, on every protocol. */
function management(v: Vlan, site: Site): PolicyRule[] {
  const rules = [
    rule({
      id: `mgmt/${v.name}/firewall`,
      from: v.name,
      to: FIREWALL,
      protocol: 'any',
      action: 'pass',
      log: false,
      why: 'management reaches the firewall (GUI, SSH, everything)',
      origin: 'baseline',
    }),
  ];
  for (const other of site.vlans) {
    if (other.name === v.name) continue;
    rules.push(
      rule({
        id: `mgmt/${v.name}/${other.name}`,
        from: v.name,
        to: other.name,
        protocol: 'any',
        action: 'pass',
        log: false,
        why: `management reaches everything in ${other.name}`,
        origin: 'baseline',
      }),
    );
  }
  return rules;
}

function egress(v: Vlan): PolicyRule[] {
  if (v.internet === 'yes') {
    return [
      rule({
        id: `egress/${v.name}`,
        from: v.name,
        to: INTERNET,
        protocol: 'any',
        action: 'pass',
        log: false,
        why: 'internet egress',
        origin: 'egress',
      }),
    ];
  }
  if (v.internet === 'limited') {
    return [
      rule({
        id: `egress/${v.name}/web`,
        from: v.name,
        to: INTERNET,
        protocol: 'tcp',
        ports: LIMITED_EGRESS_PORTS,
        action: 'pass',
        log: true,
        why: 'limited internet egress: web only, logged',
        origin: 'egress',
      }),
    ];
  }
  return [];
}

function defaultDeny(zone: string, log: boolean): PolicyRule {
  return rule({
    id: `default/${zone}`,
    from: zone,
    to: 'any',
    protocol: 'any',
    action: 'block',
    log,
    why: 'default deny',
    origin: 'default',
  });
}

interface FlowRules {
  rules: PolicyRule[];
  unenforced: UnenforcedFlow[];
}

function flowRules(site: Site, flow: Flow, resolver: EndpointResolver): FlowRules {
  const out: FlowRules = { rules: [], unenforced: [] };
  const from = resolver.resolve(flow.from, flow.id);
  const to = resolver.resolve(flow.to, flow.id);
  if (from.kind === 'unenforced' || to.kind === 'unenforced') {
    const reason = from.kind === 'unenforced' ? from.reason : (to as { reason: string }).reason;
    out.unenforced.push({ flowId: flow.id, reason });
    return out;
  }
  const vlanOf = (zone: string) => site.vlans.find((v) => v.name === zone);
  for (const src of from.placements) {
    if (src.zone === INTERNET) {
      throw new UserError(
        `flow ${flow.id} comes from the internet; Beelab opens no inbound ports (no port forwards)`,
        ['Reach the service over the tailnet instead, or remove the flow.'],
      );
    }
    if (src.zone === FIREWALL) {
      out.unenforced.push({
        flowId: flow.id,
        reason: 'starts on the firewall itself, which may always connect out',
      });
      continue;
    }
    const srcVlan = vlanOf(src.zone)!;
    for (const dst of to.placements) {
      const made = flowRule(flow, srcVlan, src, dst, vlanOf(dst.zone));
      if (typeof made === 'string') out.unenforced.push({ flowId: flow.id, reason: made });
      else if (made) out.rules.push(made);
    }
  }
  return out;
}

/** One rule for one (source placement, destination placement) pair, a reason when the firewall never sees it. */
function flowRule(
  flow: Flow,
  srcVlan: Vlan,
  src: Placement,
  dst: Placement,
  dstVlan: Vlan | undefined,
): PolicyRule | string | undefined {
  if (dst.zone === srcVlan.name) {
    return `${describeEndpoint(flow.from)} → ${describeEndpoint(flow.to)} within VLAN ${srcVlan.name}: switched, never routed through the firewall`;
  }
  if (srcVlan.purpose === 'security' && dstVlan) {
    throw new UserError(
      `flow ${flow.id} lets the security VLAN ${srcVlan.name} reach ${dst.zone}; the security VLAN must reach nothing internal`,
      ['Move the consumer out of the security VLAN, or drop the flow.'],
    );
  }
  // Management already reaches every VLAN and the firewall on every port.
  if (srcVlan.purpose === 'management' && dst.zone !== INTERNET) return undefined;
  return rule({
    id: `flow/${flow.id}/${src.zone}->${dst.zone}${src.set ? `/${src.set.name}` : ''}${dst.set ? `/${dst.set.name}` : ''}`,
    from: src.zone,
    fromAddrs: src.set?.name,
    to: dst.zone,
    toAddrs: dst.set?.name,
    protocol: flow.protocol,
    ports: flow.ports,
    icmpType: flow.protocol === 'icmp' ? 'echo-request' : undefined,
    action: 'pass',
    log: srcVlan.internet === 'limited',
    why: `${flow.service}: ${flow.why}`,
    flowId: flow.id,
    flowIds: [flow.id],
    service: flow.service,
    origin: 'flow',
  });
}

/** True when `earlier` already passes everything `later` would (so `later` would never match). */
function covers(earlier: PolicyRule, later: PolicyRule): boolean {
  if (earlier.action !== later.action || earlier.from !== later.from || earlier.to !== later.to) return false;
  if (earlier.fromAddrs !== undefined && earlier.fromAddrs !== later.fromAddrs) return false;
  if (earlier.toAddrs !== undefined && earlier.toAddrs !== later.toAddrs) return false;
  if (earlier.protocol === 'any') return true;
  if (earlier.protocol !== later.protocol) return false;
  if (earlier.protocol === 'icmp') return earlier.icmpType === later.icmpType;
  return earlier.ports.length === 0 || later.ports.every((p) => earlier.ports.includes(p));
}

function checkNames(site: Site): void {
  for (const v of site.vlans) {
    if ((RESERVED_ZONE_NAMES as readonly string[]).includes(v.name)) {
      throw new UserError(`VLAN name ${v.name} is reserved by the firewall policy`, [
        `Rename it; reserved: ${RESERVED_ZONE_NAMES.join(', ')}.`,
      ]);
    }
  }
}

/**
 * The firewall policy of a Site. Per VLAN, first match wins: baseline services on the firewall, management's
 * reach, the flows that start in the VLAN, internet egress, then a logged default deny. Deterministic: the
 * same Site gives the same rules, ids and order.
 */
export function compilePolicy(site: Site): Policy {
  checkNames(site);
  const resolver = new EndpointResolver(site);
  const flows = [...site.flows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const fromFlows: PolicyRule[] = [];
  const unenforced: UnenforcedFlow[] = [];
  for (const flow of flows) {
    const r = flowRules(site, flow, resolver);
    fromFlows.push(...r.rules);
    unenforced.push(...r.unenforced);
  }
  const rules: PolicyRule[] = [];
  for (const v of site.vlans) {
    const zoneRules: PolicyRule[] = [];
    zoneRules.push(...baseline(v));
    if (v.purpose === 'management') zoneRules.push(...management(v, site));
    const needed = fromFlows.filter(
      (r) => r.from === v.name && !zoneRules.some((earlier) => covers(earlier, r)),
    );
    zoneRules.push(...mergeDestinations(needed, resolver));
    rules.push(...zoneRules);
    rules.push(...egress(v));
    rules.push(defaultDeny(v.name, true));
  }
  // Unsolicited traffic from the internet: dropped without logging (it is constant background noise).
  rules.push(defaultDeny(WAN, false));

  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) throw new Error(`policy: duplicate rule id ${r.id}`);
    ids.add(r.id);
  }
  const used = new Set(rules.flatMap((r) => [r.fromAddrs, r.toAddrs]).filter((n) => n !== undefined));
  const zones: Zone[] = [...site.vlans.map(zoneOf), { name: WAN, kind: 'wan', internet: 'yes' }];
  const natZones = site.vlans.filter((v) => rules.some((r) => r.from === v.name && r.to === INTERNET));
  return {
    zones,
    sets: [...resolver.sets.values()]
      .filter((s) => used.has(s.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    rules,
    nat: natZones.map((v) => ({ zone: v.name, cidr: v.cidr })),
    unenforced,
  };
}
