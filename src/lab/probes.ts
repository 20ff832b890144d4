// Every connection the lab tries, with the outcome the policy form predicts for it.

import type { LinuxRouter } from '../layers/network/linux/render.ts';
import { FIREWALL, INTERNET } from '../layers/network/policy/types.ts';
import type { Probe } from './agent/protocol.ts';
import { evaluate, type Verdict } from './evaluate.ts';
import type { LabListeners } from './listeners.ts';
import { LAB_WAN } from './names.ts';
import type { LabPlan } from './plan.ts';

/** How long a probe may take; an allowed connection on veths answers in well under a millisecond. */
export const PROBE_TIMEOUT_MS = 1000;

export interface PlannedProbe extends Probe {
  /** Namespace whose agent runs it. */
  netns: string;
  /** Zone it enters the firewall from. */
  from: string;
  /** Column of the matrix: a zone, 'firewall' or 'internet'. */
  to: string;
  /** Who is probed, for messages: host name, VIP, gateway, internet. */
  dstName: string;
  srcName: string;
  expect: Verdict;
}

interface Source {
  netns: string;
  zone: string;
  address: string;
  name: string;
}

/** Every address that is somewhere in the Site and where it lives, for names in messages. */
function nameOf(plan: LabPlan): Map<string, string> {
  const m = new Map<string, string>();
  for (const v of plan.vlans) {
    for (const x of v.members) m.set(x.address, x.name);
    m.set(v.gateway, `gateway ${v.zone}`);
  }
  m.set(LAB_WAN.router, 'router uplink');
  m.set(LAB_WAN.server, 'internet server');
  return m;
}

/**
 * Sources: per VLAN, a spare address standing for "any device there", plus every address the policy names
 * as a source (role and host sets), since those are the ones with more reach. The WAN gets the internet server.
 */
function sources(plan: LabPlan, router: LinuxRouter): Source[] {
  const out: Source[] = [];
  const sets = new Map(router.policy.sets.map((s) => [s.name, s.addresses]));
  for (const v of plan.vlans) {
    const named = new Set<string>([v.probeAddress]);
    for (const r of router.policy.rules) {
      if (r.from === v.zone && r.fromAddrs) for (const a of sets.get(r.fromAddrs) ?? []) named.add(a);
    }
    for (const m of v.members) {
      if (named.has(m.address))
        out.push({ netns: m.machine ?? v.netns, zone: v.zone, address: m.address, name: m.name });
    }
  }
  out.push({ netns: plan.names.inet, zone: 'wan', address: LAB_WAN.server, name: 'internet server' });
  return out;
}

export function firewallAddresses(plan: LabPlan): Set<string> {
  return new Set([...plan.vlans.map((v) => v.gateway), LAB_WAN.router]);
}

/** The probes of one lab run, numbered from 1. */
export function planProbes(plan: LabPlan, router: LinuxRouter, listeners: LabListeners): PlannedProbe[] {
  const fw = firewallAddresses(plan);
  const names = nameOf(plan);
  const out: PlannedProbe[] = [];
  const push = (s: Source, to: string, dst: string, proto: Probe['proto'], port: number | null) => {
    const expect = evaluate(router.policy, fw, { from: s.zone, src: s.address, dst, proto, port });
    out.push({
      id: out.length + 1,
      netns: s.netns,
      from: s.zone,
      to,
      src: s.address,
      srcName: s.name,
      dst,
      dstName: names.get(dst) ?? dst,
      proto,
      port,
      timeoutMs: PROBE_TIMEOUT_MS,
      expect,
    });
  };
  for (const s of sources(plan, router)) {
    const wan = s.zone === 'wan';
    for (const v of plan.vlans) {
      if (v.zone === s.zone) continue; // same VLAN: switched, the firewall never sees it
      for (const l of listeners.vlans.get(v.zone) ?? []) push(s, v.zone, l.address, l.proto, l.port);
      const pingTarget = v.members.find((m) => m.kind === 'host') ?? v.members[0]!;
      push(s, v.zone, pingTarget.address, 'icmp', null);
    }
    const gw = wan ? LAB_WAN.router : plan.vlans.find((v) => v.zone === s.zone)!.gateway;
    for (const l of listeners.router) push(s, FIREWALL, gw, l.proto, l.port);
    push(s, FIREWALL, gw, 'icmp', null);
    if (!wan) {
      for (const l of listeners.internet) push(s, INTERNET, l.address, l.proto, l.port);
      push(s, INTERNET, LAB_WAN.server, 'icmp', null);
    }
  }
  return out;
}
