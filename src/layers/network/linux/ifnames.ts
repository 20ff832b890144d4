// Interface names of the Debian router, shared by the ruleset, dnsmasq, systemd-networkd and the lab.
import { checkNic } from '../../../spec/fields.ts';
import type { Policy, Zone } from '../policy/types.ts';

/** How the router's interfaces are named; the lab passes the same names so the rendered files run unchanged. */
export interface RouterInterfaces {
  /** Uplink NIC (the firewall's `wan`). */
  wan: string;
  /** NIC carrying the tagged VLANs (the firewall's `trunk`). */
  trunk: string;
  /** Interface of each VLAN zone, by zone name. */
  vlans: Map<string, string>;
}

/** `vlan<tag>`: short, stable when a VLAN is renamed, and never over 15 bytes (tags are at most 4094). */
export function vlanIfname(tag: number): string {
  return `vlan${tag}`;
}

/** The spec rules reject an invalid name with its position (spec/fields checkNic); reaching here is a bug. */
function checkIfname(name: string, what: string): string {
  const problem = checkNic(name);
  if (problem)
    throw new Error(`${what} interface name: ${problem} (beelab.yaml validation should have caught this)`);
  return name;
}

/** The interfaces of a policy's zones on a router whose NICs are `wan` and `trunk`. */
export function routerInterfaces(policy: Policy, nics: { wan: string; trunk: string }): RouterInterfaces {
  const vlans = new Map<string, string>();
  for (const z of policy.zones) {
    if (z.kind === 'vlan') vlans.set(z.name, vlanIfname(vlanTag(z)));
  }
  return { wan: checkIfname(nics.wan, 'WAN'), trunk: checkIfname(nics.trunk, 'trunk'), vlans };
}

export function vlanTag(z: Zone): number {
  if (z.tag === undefined) throw new Error(`zone ${z.name} has no VLAN tag`);
  return z.tag;
}

/** The interface traffic of a zone enters by. */
export function zoneIfname(ifs: RouterInterfaces, zone: string): string {
  if (zone === 'wan') return ifs.wan;
  const name = ifs.vlans.get(zone);
  if (!name) throw new Error(`no interface for zone ${zone}`);
  return name;
}
