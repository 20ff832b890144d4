// Interface assignment shared by the pf-based backends (OPNsense, pfSense): which zone is wan, lan, opt1, ...
import { setName } from '../policy/names.ts';
import type { Policy, Zone } from '../policy/types.ts';

/** One assigned interface: its config key, the device it sits on, and the zone it carries. */
export interface Assignment {
  zone: Zone;
  /** `wan`, `lan`, `opt1`, ... */
  key: string;
  /** OS device, e.g. igc0 or vlan0.10. */
  device: string;
  /** Interface description: lowercase letters, digits and _ (OPNsense requires ^[a-z_0-9]*$). */
  descr: string;
}

/**
 * The management VLAN becomes `lan` (it gets the anti-lockout rule), the other VLANs opt<N> by their locked
 * interface slot (beelab.lock.yaml `interfaces`, so a removed VLAN never renumbers the others), the uplink `wan`. `vlanDevice` names the VLAN device for a tag (OPNsense `vlan0.<tag>`, pfSense `<trunk>.<tag>`).
 */
export function assignInterfaces(
  policy: Policy,
  wanDevice: string,
  vlanDevice: (tag: number) => string,
): Assignment[] {
  const vlans = policy.zones.filter((z) => z.kind === 'vlan');
  const lan = vlans.find((z) => z.purpose === 'management') ?? vlans[0];
  const out: Assignment[] = [];
  const wan = policy.zones.find((z) => z.kind === 'wan');
  if (wan) out.push({ zone: wan, key: 'wan', device: wanDevice, descr: 'wan' });
  let opt = 0;
  for (const z of vlans) {
    // A zone without a slot (a hand-built policy in tests) falls back to list order.
    const key = z === lan ? 'lan' : `opt${z.ifSlot ?? ++opt}`;
    out.push({ zone: z, key, device: vlanDevice(z.tag!), descr: z.name.replace(/-/g, '_') });
  }
  return out;
}

/** Looks up the assignment of a zone; a missing zone is a bug in the caller. */
export function keyOf(assignments: readonly Assignment[], zone: string): string {
  const a = assignments.find((x) => x.zone.name === zone);
  if (!a) throw new Error(`no interface assigned to zone ${zone}`);
  return a.key;
}

/** Name of the port alias for a list of ports (a single port needs no alias); both pf backends use it. */
export function portAliasName(ports: readonly number[]): string {
  return setName('ports', ...ports.map(String));
}
