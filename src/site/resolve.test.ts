// resolve(): deterministic, and the lock keeps every existing allocation when nodes come and go.
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { resolveSite as resolve } from '../layers/index.ts';
import type { NodeSpec, Spec } from '../spec/schema.ts';
import { tierDefaults } from '../spec/tiers.ts';
import type { Lock } from './lock.ts';

function withNodes(base: Spec, nodes: NodeSpec[]): Spec {
  return { ...base, nodes };
}

/** Every allocation of the lock as flat `table/key → value` pairs. */
function flat(lock: Lock): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of ['subnets', 'addresses', 'vmids', 'macs', 'placements', 'interfaces'] as const) {
    for (const [k, v] of Object.entries(lock[t])) out.set(`${t}:${k}`, String(v));
  }
  return out;
}

describe('resolve', () => {
  it('is deterministic', () => {
    const a = resolve(tierDefaults('reference'));
    const b = resolve(tierDefaults('reference'));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('gives the same Site when re-run on its own lock', () => {
    const first = resolve(tierDefaults('reference'));
    const second = resolve(tierDefaults('reference'), first.lock);
    expect(second.lock).toEqual(first.lock);
    expect(second.site).toEqual(first.site);
  });

  it('adding a node changes no existing allocation', () => {
    const base = tierDefaults('reference');
    const before = resolve(base);
    const pve4: NodeSpec = {
      ...base.nodes![1]!,
      name: 'pve4',
      nic: { name: 'eno1', mac: '58:47:ca:70:00:04' },
      drives: [],
    };
    // Put the new node first: allocation must not depend on list order for existing keys.
    const after = resolve(withNodes(base, [pve4, ...base.nodes!]), before.lock);
    const a = flat(before.lock);
    const b = flat(after.lock);
    for (const [k, v] of a) expect(b.get(k), k).toBe(v);
    expect(b.get('addresses:host/pve4')).toBeDefined();
    expect([...a.values()].filter((v) => v.startsWith('10.')).includes(b.get('addresses:host/pve4')!)).toBe(
      false,
    );
  });

  it('removing a node changes no other allocation', () => {
    const base = tierDefaults('reference');
    const before = resolve(base);
    const after = resolve(
      withNodes(
        base,
        base.nodes!.filter((n) => n.name !== 'pve2'),
      ),
      before.lock,
    );
    const a = flat(before.lock);
    const b = flat(after.lock);
    expect(b.has('addresses:host/pve2')).toBe(false);
    for (const [k, v] of b) {
      if (!a.has(k)) continue;
      // VMs that lived on pve2 must move; nothing else may change.
      if (k.startsWith('placements:') && a.get(k) === 'pve2') continue;
      expect(v, k).toBe(a.get(k));
    }
  });

  it('running out of addresses is a clear error naming the VLAN', () => {
    const base = tierDefaults('reference');
    const nodes: NodeSpec[] = [...base.nodes!];
    for (let i = 10; i < 110; i++) nodes.push({ name: `n${i}`, role: 'compute', memoryGb: 64 });
    try {
      resolve(withNodes(base, nodes));
      expect.unreachable('resolve should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/VLAN mgmt \(10\.20\.10\.0\/24\) has no free static address/);
      expect((err as UserError).details.join('\n')).toMatch(/larger cidr/);
    }
  });

  it('spreads Talos control planes over the Proxmox nodes', () => {
    const { site } = resolve(tierDefaults('reference'));
    const nodes = site.production.controlPlanes.map((n) => site.hosts.find((h) => h.name === n)!.vm!.node);
    expect(new Set(nodes).size).toBe(3);
  });

  it('derives flows from the service catalog', () => {
    const { site } = resolve(tierDefaults('reference'));
    const scrape = site.flows.filter((f) => f.service === 'node-exporter');
    expect(scrape.length).toBe(site.services.find((s) => s.name === 'node-exporter')!.hosts.length);
    expect(scrape.every((f) => f.ports.includes(9100) && f.from.kind === 'role')).toBe(true);
    const pbs = site.flows.find(
      (f) => f.service === 'proxmox-backup' && f.from.kind === 'role' && f.from.role === 'pve',
    );
    expect(pbs?.ports).toEqual([8007]);
  });
});
