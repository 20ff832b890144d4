// Site-wide internal rules that need the resolved Site: capacity of the Proxmox nodes, least privilege of flows.
import type { Diagnostic } from '../kernel/diagnostic.ts';
import { HOST_RESERVED_GB } from './allocate.ts';
import type { Host, Site } from './types.ts';

/** VMs placed on a node must fit in its memory, after what the host keeps for itself. */
export function capacityRule(site: Site): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byNode = new Map<string, Host[]>();
  for (const h of site.hosts) if (h.vm) byNode.set(h.vm.node, [...(byNode.get(h.vm.node) ?? []), h]);
  for (const node of site.hosts.filter((h) => h.roles.includes('pve'))) {
    const vms = byNode.get(node.name) ?? [];
    const used = vms.reduce((s, v) => s + v.vm!.memoryGb, 0);
    const total = node.memoryGb ?? 0;
    if (total > 0 && used > total - HOST_RESERVED_GB) {
      out.push({
        code: 'capacity/memory',
        severity: 'error',
        message: `node ${node.name} has ${total} GB but its VMs need ${used} GB plus ${HOST_RESERVED_GB} GB for the host (${vms.map((v) => `${v.name} ${v.vm!.memoryGb}`).join(', ')})`,
        location: { file: 'beelab.yaml' },
        hint: 'add a compute node, give nodes more memory (nodes[].memoryGb), or shrink production.memoryGb / devops.memoryGb',
      });
    }
  }
  return out;
}

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
  return [...capacityRule(site), ...vlanWideSourceRule(site)];
}
