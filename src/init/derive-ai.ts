// Derives the AI mesh from a node count: 1 head, then 1 secondary, then agents; and the ai VLAN that carries it.
import type { AiRole, Spec } from '../spec/schema.ts';
import { tierDefaults } from '../spec/tiers.ts';
import { freeName, usedNames } from './derive-nodes.ts';

type AiNode = NonNullable<NonNullable<Spec['ai']>['nodes']>[number];
type Vlan = NonNullable<NonNullable<Spec['network']>['vlans']>[number];

const REFERENCE_AI = tierDefaults('reference').ai?.nodes ?? [];
const AI_VLAN: Vlan = { name: 'ai', id: 40, purpose: 'ai' };

/** The roles of an n-node mesh, in order. */
export function aiRoles(count: number): AiRole[] {
  return Array.from(
    { length: count },
    (_, i): AiRole => (i === 0 ? 'head' : i === 1 ? 'secondary' : 'agent'),
  );
}

/**
 * Makes the mesh exactly `count` nodes. A mesh of the right size is left alone (its roles may be custom);
 * otherwise existing nodes fill the slots of their role first, then the reference build's hardware.
 */
export function setAiNodes(spec: Spec, count: number): void {
  spec.ai ??= {};
  const current = spec.ai.nodes ?? [];
  if (current.length !== count) {
    const taken = usedNames(spec);
    const pools = new Map<AiRole, AiNode[]>();
    for (const n of current) pools.set(n.role, [...(pools.get(n.role) ?? []), n]);
    for (const n of current) taken.delete(n.name);
    const nodes: AiNode[] = [];
    for (const role of aiRoles(count)) {
      const mine = pools.get(role)?.shift();
      if (mine) {
        nodes.push(mine);
        taken.add(mine.name);
        continue;
      }
      const template =
        REFERENCE_AI.filter((n) => n.role === role).find((n) => !taken.has(n.name)) ??
        REFERENCE_AI.filter((n) => n.role === role).at(-1)!;
      const node = structuredClone(template);
      if (taken.has(node.name) || current.some((n) => n.name === node.name)) {
        node.name = freeName(taken, role === 'agent' ? 'ai-agent' : `ai-${role}`, 1);
        delete node.mac;
      }
      taken.add(node.name);
      nodes.push(node);
    }
    spec.ai.nodes = nodes;
  }
  setAiVlan(spec, count > 0);
}

/** The mesh lives on its own VLAN; a site without AI nodes has none. */
function setAiVlan(spec: Spec, wanted: boolean): void {
  spec.network ??= {};
  const vlans = spec.network.vlans ?? [];
  const has = vlans.some((v) => v.purpose === 'ai');
  if (wanted && !has) {
    const ids = new Set(vlans.map((v) => v.id));
    let id = AI_VLAN.id;
    while (ids.has(id)) id++;
    const name = vlans.some((v) => v.name === AI_VLAN.name) ? `ai${id}` : AI_VLAN.name;
    // Keep the VLANs sorted by tag, the order the tiers use, so the new one lands where a reader expects it.
    spec.network.vlans = [...vlans, { ...AI_VLAN, id, name }].sort((a, b) => a.id - b.id);
  } else if (!wanted && has) {
    spec.network.vlans = vlans.filter((v) => v.purpose !== 'ai');
  }
}
