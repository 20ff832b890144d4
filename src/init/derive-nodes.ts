// Derives the node list from the answers: the primary's NIC and drives, and N compute nodes cloned from it.
import { DEFAULTS } from '../spec/defaults.ts';
import type { NodeSpec, Spec } from '../spec/schema.ts';
import { TIERS } from '../spec/schema.ts';
import { tierDefaults } from '../spec/tiers.ts';

type Drive = NonNullable<NodeSpec['drives']>[number];

/** Drive ids that ship in the tier defaults: placeholders, never a user's real hardware. */
const TIER_DRIVE_IDS = new Set(
  TIERS.flatMap((t) => (tierDefaults(t).nodes ?? []).flatMap((n) => (n.drives ?? []).map((d) => d.id))),
);

const REFERENCE_NODES = tierDefaults('reference').nodes ?? [];

/** Every host name the spec already uses (nodes, AI nodes, watchdogs, firewall), so a new one never collides. */
export function usedNames(spec: Spec): Set<string> {
  return new Set([
    ...(spec.nodes ?? []).map((n) => n.name),
    ...(spec.ai?.nodes ?? []).map((n) => n.name),
    ...(spec.watchdogs ?? []).map((w) => w.name),
    spec.network?.firewall?.name ?? DEFAULTS.firewall.name,
  ]);
}

/** The first `${prefix}${k}` (k >= from) that is not taken; adds it to `taken`. */
export function freeName(taken: Set<string>, prefix: string, from: number): string {
  let k = from;
  while (taken.has(`${prefix}${k}`)) k++;
  const name = `${prefix}${k}`;
  taken.add(name);
  return name;
}

/** The primary node; a spec without one gets the reference tier's, so the answers have somewhere to land. */
export function primaryNode(spec: Spec): NodeSpec {
  spec.nodes ??= [];
  let primary = spec.nodes.find((n) => n.role === 'primary');
  if (!primary) {
    primary = structuredClone(REFERENCE_NODES.find((n) => n.role === 'primary')!);
    spec.nodes.unshift(primary);
  }
  return primary;
}

export function drivesOf(node: NodeSpec, role: Drive['role']): Drive[] {
  return (node.drives ?? []).filter((d) => d.role === role);
}

/** Replaces the primary's drives of one role, keeping the known size of any drive whose id stays. */
export function setPrimaryDrives(spec: Spec, role: 'system' | 'pool', ids: readonly string[]): void {
  const primary = primaryNode(spec);
  const old = primary.drives ?? [];
  const fresh = ids.map((id): Drive => {
    const known = old.find((d) => d.id === id);
    return known?.sizeGb !== undefined ? { id, role, sizeGb: known.sizeGb } : { id, role };
  });
  const system = role === 'system' ? fresh : old.filter((d) => d.role === 'system');
  const pool = role === 'pool' ? fresh : old.filter((d) => d.role === 'pool');
  primary.drives = [...system, ...pool, ...old.filter((d) => d.role !== 'system' && d.role !== 'pool')];
}

export function setPrimaryNic(spec: Spec, name: string): void {
  const primary = primaryNode(spec);
  // The MAC belongs to the old NIC; a stale one would pin a wrong DHCP reservation, so it is allocated afresh.
  if (primary.nic?.name !== name) primary.nic = { name };
}

function isPlaceholder(node: NodeSpec): boolean {
  const drives = node.drives ?? [];
  return drives.every((d) => TIER_DRIVE_IDS.has(d.id) || d.id.endsWith(`-${node.name}`));
}

/** A compute node's placeholder drives: the primary's ids with the node name appended, to be replaced by the real ones. */
function derivedDrives(primary: NodeSpec, name: string): Drive[] {
  return drivesOf(primary, 'system')
    .concat(drivesOf(primary, 'pool'))
    .map((d) => ({ ...d, id: `${d.id}-${name}` }));
}

/**
 * Makes exactly `count` compute nodes. Existing ones are kept in order (real drive ids untouched); new ones
 * are named pve2, pve3, ... and cloned from the primary with placeholder drive ids derived from its own.
 * Returns the names of removed nodes so references to them can be dropped.
 */
export function setComputeNodes(spec: Spec, count: number): string[] {
  const primary = primaryNode(spec);
  const nodes = spec.nodes!;
  const compute = nodes.filter((n) => n.role === 'compute');
  const keep = compute.slice(0, count);
  const removed = compute.slice(count).map((n) => n.name);
  const taken = usedNames(spec);
  // Only the drives a compute node is cloned from count (a recovery or backup drive is the primary's own).
  const primaryHasTierDrives = drivesOf(primary, 'system')
    .concat(drivesOf(primary, 'pool'))
    .every((d) => TIER_DRIVE_IDS.has(d.id));
  const placeholderDrives = (name: string): Drive[] => {
    const template = REFERENCE_NODES.find((n) => n.name === name && n.role === 'compute');
    // While the primary still has the tier's placeholder drives, the tier's own compute nodes stay as shipped.
    return template?.drives && primaryHasTierDrives
      ? structuredClone(template.drives)
      : derivedDrives(primary, name);
  };
  for (const node of keep) {
    if (!isPlaceholder(node)) continue;
    // A node nobody has described yet follows the primary: same drive layout, same NIC name.
    node.drives = placeholderDrives(node.name);
    if (primary.nic && node.nic?.name !== primary.nic.name) node.nic = { name: primary.nic.name };
  }
  const added: NodeSpec[] = [];
  for (let i = keep.length; i < count; i++) {
    const name = freeName(taken, 'pve', 2);
    const { address: _a, nic, drives: _d, name: _n, role: _r, ...hardware } = structuredClone(primary);
    added.push({
      name,
      role: 'compute',
      ...hardware,
      drives: placeholderDrives(name),
      ...(nic ? { nic: { name: nic.name } } : {}),
    });
  }
  // Compute nodes go right after the last kept compute node (or the primary), other nodes stay where they were.
  const rest = nodes.filter((n) => n.role !== 'compute');
  const at = rest.indexOf(primary) + 1;
  spec.nodes = [...rest.slice(0, at), ...keep, ...added, ...rest.slice(at)];
  return removed;
}

/** Removes a node by name; returns whether it was there. */
export function removeNode(spec: Spec, name: string): boolean {
  const before = spec.nodes?.length ?? 0;
  spec.nodes = (spec.nodes ?? []).filter((n) => n.name !== name);
  return spec.nodes.length !== before;
}

/** Adds a copy of a reference-tier node of `role` not yet in the spec (renamed when its name is taken). */
export function addReferenceNode(spec: Spec, role: NodeSpec['role'], prefix: string): string {
  const taken = usedNames(spec);
  const template = REFERENCE_NODES.filter((n) => n.role === role).find((n) => !taken.has(n.name));
  const node = structuredClone(template ?? REFERENCE_NODES.find((n) => n.role === role)!);
  if (!template) {
    node.name = freeName(taken, prefix, 1);
    delete node.nic?.mac;
  }
  spec.nodes = [...(spec.nodes ?? []), node];
  return node.name;
}
