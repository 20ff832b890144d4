// Site-wide internal rules that need the resolved Site: capacity of the Proxmox nodes.
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

export function siteRules(site: Site): Diagnostic[] {
  return [...capacityRule(site)];
}
