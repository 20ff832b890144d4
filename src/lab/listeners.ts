// Which ports the lab listens on, where: the Site's service ports, the ports the policy opens, and an SSH canary.

import type { LinuxRouter } from '../layers/network/linux/render.ts';
import { FIREWALL, INTERNET } from '../layers/network/policy/types.ts';
import type { Site } from '../site/types.ts';
import type { Listener } from './agent/protocol.ts';
import { LAB_WAN } from './names.ts';
import type { LabVlan } from './plan.ts';

/** Ports dnsmasq holds on the router; the agent must not take them. */
const DNSMASQ_PORTS = new Set(['udp/53', 'tcp/53', 'udp/67']);
/** What every device answers on, so every cell of the matrix has something to refuse. */
const CANARY: Omit<Listener, 'address'> = { proto: 'tcp', port: 22 };
/** What the stand-in internet serves: web (allowed even for limited egress), SSH and NTP (not). */
const INTERNET_PORTS: Omit<Listener, 'address'>[] = [
  { proto: 'tcp', port: 80 },
  { proto: 'tcp', port: 443 },
  { proto: 'tcp', port: 22 },
  { proto: 'udp', port: 123 },
];

/** Listeners by namespace role: each VLAN's addresses, the router (any address) and the internet server. */
export interface LabListeners {
  vlans: Map<string, Listener[]>;
  router: Listener[];
  internet: Listener[];
}

function key(l: Listener): string {
  return `${l.proto}/${l.address}/${l.port}`;
}

export function labListeners(site: Site, router: LinuxRouter, vlans: LabVlan[]): LabListeners {
  const zoneOfAddr = new Map<string, string>();
  for (const v of vlans) for (const m of v.members) zoneOfAddr.set(m.address, v.zone);
  const byZone = new Map<string, Map<string, Listener>>(vlans.map((v) => [v.zone, new Map()]));
  const routerL = new Map<string, Listener>();
  const inetL = new Map<string, Listener>();
  const add = (address: string, proto: string, port: number) => {
    if (proto !== 'tcp' && proto !== 'udp') return;
    const zone = zoneOfAddr.get(address);
    if (zone) {
      const l: Listener = { address, proto, port };
      byZone.get(zone)!.set(key(l), l);
    }
  };
  const addRouter = (proto: string, port: number) => {
    if ((proto !== 'tcp' && proto !== 'udp') || DNSMASQ_PORTS.has(`${proto}/${port}`)) return;
    const l: Listener = { address: '0.0.0.0', proto, port };
    routerL.set(key(l), l);
  };
  const addressOf = (name: string) =>
    site.hosts.find((h) => h.name === name)?.address ?? site.vips.find((v) => v.name === name)?.address;

  for (const v of vlans) for (const m of v.members) add(m.address, CANARY.proto, CANARY.port);
  addRouter(CANARY.proto, CANARY.port);
  for (const s of site.services) {
    for (const target of s.hosts) {
      for (const p of s.ports) {
        if (target === site.firewall.host) addRouter(p.protocol, p.port);
        else {
          const a = addressOf(target);
          if (a) add(a, p.protocol, p.port);
        }
      }
    }
  }
  const sets = new Map(router.policy.sets.map((s) => [s.name, s.addresses]));
  for (const r of router.policy.rules) {
    if (r.action !== 'pass' || (r.protocol !== 'tcp' && r.protocol !== 'udp')) continue;
    for (const port of r.ports) {
      if (r.to === FIREWALL) addRouter(r.protocol, port);
      else if (r.to === INTERNET)
        inetL.set(key({ address: LAB_WAN.server, proto: r.protocol, port }), {
          address: LAB_WAN.server,
          proto: r.protocol,
          port,
        });
      else if (r.toAddrs) for (const a of sets.get(r.toAddrs) ?? []) add(a, r.protocol, port);
      else
        for (const v of vlans.filter((x) => x.zone === r.to))
          for (const m of v.members) add(m.address, r.protocol, port);
    }
  }
  for (const p of INTERNET_PORTS)
    inetL.set(key({ address: LAB_WAN.server, ...p }), { address: LAB_WAN.server, ...p });
  const sorted = (m: Map<string, Listener>) =>
    [...m.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    vlans: new Map([...byZone].map(([z, m]) => [z, sorted(m)])),
    router: sorted(routerL),
    internet: sorted(inetL),
  };
}

/**
 * The listeners each agent binds, by namespace: a VLAN's agent takes its addresses, a machine's agent (in the
 * machine's namespace, beside its systemd) takes the machine's UDP ports only: on TCP the machine answers
 * itself (see check-matrix.ts: a refusal from a machine proves the packet reached it). The router and the internet keep theirs.
 */
export function listenersByNamespace(
  vlans: LabVlan[],
  names: { router: string; inet: string },
  l: LabListeners,
): Map<string, Listener[]> {
  const out = new Map<string, Listener[]>([
    [names.router, l.router],
    [names.inet, l.internet],
  ]);
  for (const v of vlans) {
    const machineOf = new Map(v.members.filter((m) => m.machine).map((m) => [m.address, m.machine!]));
    out.set(v.netns, []);
    for (const ns of machineOf.values()) out.set(ns, []);
    for (const x of l.vlans.get(v.zone) ?? []) {
      const ns = machineOf.get(x.address);
      // A machine answers TCP itself: its real services accept (sshd, and whatever the roles install), a
      // closed port refuses. A stub there would take the port from the service the roles start.
      if (ns && x.proto === 'tcp') continue;
      out.get(ns ?? v.netns)!.push(x);
    }
  }
  return out;
}
