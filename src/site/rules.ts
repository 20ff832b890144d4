// Site-wide internal rules that need the resolved Site: least privilege of flows. (Memory per Proxmox VE node is
// the located spec rule capacity/memory, src/site/compute-rules.ts.)
import type { Diagnostic } from '../kernel/diagnostic.ts';
import type { Site } from './types.ts';

/**
 * Least privilege: an infrastructure service consumed by a whole VLAN opens its ports to every device there,
 * a guest phone included. Management and same-VLAN consumers are fine (the one administers everything, the
 * other never crosses the firewall); any other whole-VLAN consumer must say `because`, or name hosts or roles.
 */
export function vlanWideSourceRule(site: Site): Diagnostic[] {
  const out: Diagnostic[] = [];
  const mgmt = new Set(site.vlans.filter((v) => v.purpose === 'management').map((v) => v.name));
  const vlanOf = new Map<string, string>([
    ...site.hosts.map((h) => [h.name, h.vlan] as const),
    ...site.vips.map((v) => [v.name, v.vlan] as const),
  ]);
  for (const s of site.services) {
    if (s.kind === 'app') continue;
    const homes = new Set(s.hosts.map((h) => vlanOf.get(h)));
    for (const c of s.consumers) {
      if (c.kind !== 'vlan' || c.because || mgmt.has(c.vlan)) continue;
      if (homes.size === 1 && homes.has(c.vlan)) continue;
      out.push({
        code: 'site/vlan-wide-source',
        severity: 'warning',
        message: `every device on VLAN ${c.vlan} may reach ${s.name} (${s.ports.map((p) => `${p.protocol} ${p.port}`).join(', ')}) where specific hosts would do`,
        location: { file: 'beelab.yaml' },
        hint: 'name the hosts or roles that need it as consumers, or say why the whole VLAN does (`because`)',
      });
    }
  }
  return out;
}

export function siteRules(site: Site): Diagnostic[] {
  return vlanWideSourceRule(site);
}
