// Rules over `compute.vms`, the VMs whose Proxmox VM id or node the user fixes: each VM once, each id once, and
// only Proxmox VE nodes as nodes. Whether the name is a VM of the site, whether the id is free in the lock and
// whether the memory fits are judged against the resolved Site (src/site/compute-rules.ts).
import { closest } from '../../kernel/suggest.ts';
import type { Finding, RuleContext } from './rule.ts';

export function computeRules({ spec }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const pins = Array.isArray(spec.compute?.vms) ? spec.compute.vms : [];
  const nodes = spec.nodes ?? [];
  const pve = nodes.filter((n) => n?.role === 'primary' || n?.role === 'compute').map((n) => n.name);
  const names = new Map<string, number>();
  const ids = new Map<number, number>();
  pins.forEach((p, i) => {
    if (typeof p?.name !== 'string') return;
    const first = names.get(p.name);
    if (first !== undefined) {
      out.push({
        code: 'vm/duplicate',
        path: ['compute', 'vms', i, 'name'],
        message: `compute.vms[${i}] "${p.name}" is already pinned by compute.vms[${first}]`,
        hint: 'keep one entry per VM, with both its vmid and its node',
      });
    } else names.set(p.name, i);
    if (typeof p.vmid === 'number') {
      const other = ids.get(p.vmid);
      if (other !== undefined)
        out.push({
          code: 'vm/vmid-duplicate',
          path: ['compute', 'vms', i, 'vmid'],
          message: `compute.vms[${i}].vmid ${p.vmid} (${p.name}) is also compute.vms[${other}].vmid (${pins[other]!.name}): Proxmox VE gives one id to one VM`,
          hint: 'give each VM its own id, or leave vmid out to have one allocated',
        });
      else ids.set(p.vmid, i);
    }
    if (typeof p.node === 'string' && !pve.includes(p.node)) {
      const node = nodes.find((n) => n?.name === p.node);
      const guess = closest(p.node, pve);
      out.push({
        code: 'vm/node',
        path: ['compute', 'vms', i, 'node'],
        message: node
          ? `compute.vms[${i}].node "${p.node}" is a ${node.role} node, not a Proxmox VE node: VMs run on role primary or compute`
          : `compute.vms[${i}].node "${p.node}" is not a node of this site`,
        hint: guess
          ? `did you mean \`${guess}\`? (Proxmox VE nodes: ${pve.join(', ')})`
          : pve.length > 0
            ? `Proxmox VE nodes: ${pve.join(', ')}`
            : 'the site has no Proxmox VE node: add one with role primary',
      });
    }
  });
  return out;
}
