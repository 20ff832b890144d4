import { describe, expect, it } from 'vitest';
import { loadProject } from '../project/load.ts';
import { renderSite } from '../project/render-site.ts';
import { collectSteps } from './collect.ts';
import { buildGraph } from './graph.ts';
import { rebuildSteps } from './rebuild.ts';

const example = (name: string) => loadProject(new URL(`../../examples/${name}`, import.meta.url).pathname);

async function rebuildOrder(name: string, host?: string) {
  const { site } = await example(name);
  const layerSteps = collectSteps(site, renderSite(site));
  const rb = rebuildSteps(site, layerSteps, host);
  const g = buildGraph(rb.steps, new Set(site.hosts.map((h) => h.name)));
  return { site, order: g.order.map((s) => s.id), steps: g.order, notes: rb.notes };
}

describe('rebuild', () => {
  it('every host kind of the reference build has a rebuild path, the firewall first', async () => {
    const { site, order, steps } = await rebuildOrder('reference');
    const kinds = new Set(site.hosts.map((h) => h.kind));
    expect([...kinds].sort()).toEqual(['appliance', 'mac', 'physical', 'pi', 'vm']);
    for (const h of site.hosts) expect(steps.some((s) => s.hosts.includes(h.name))).toBe(true);
    // the appliance firewall: installed, then the generated config restored, before anything else
    expect(order.slice(0, 2)).toEqual(['rebuild/fw/install', 'network/firewall']);
    // VMs are created by the physical layer's playbook, after their Proxmox nodes and the pool
    expect(order).not.toContain('rebuild/talos-cp2/install');
    expect(order.indexOf('physical/pve-vms')).toBeGreaterThan(order.indexOf('rebuild/pve2/install'));
    expect(order.indexOf('physical/pve-vms')).toBeGreaterThan(order.indexOf('physical/pve-storage'));
    expect(order.indexOf('physical/base')).toBeGreaterThan(order.indexOf('physical/pve-vms'));
    // manual steps say what to do, and most are verified
    const mac = steps.find((s) => s.id === 'rebuild/ai-head/install')!;
    expect(mac.run.kind).toBe('manual');
    expect(mac.verify).toEqual({
      kind: 'tcp',
      host: site.hosts.find((h) => h.name === 'ai-head')!.address,
      port: 22,
      timeoutMs: 10_000,
    });
  });

  it('a VM firewall (single tier) comes after the hypervisor it runs on, and before everything else', async () => {
    const { order } = await rebuildOrder('single');
    expect(order.slice(0, 3)).toEqual(['rebuild/pve1/install', 'rebuild/fw/install', 'network/firewall']);
  });

  it('one host: only its steps, and notes on what is assumed up', async () => {
    const { order, notes } = await rebuildOrder('reference', 'k3s-a1');
    // Last, its data: the newest verified backup of the VM (a restore runs in a rebuild only).
    expect(order).toEqual([
      'physical/pve-vms',
      'physical/base',
      'k3s/agents',
      'security/wazuh',
      'backup/restore/k3s-a1',
    ]);
    expect(notes).toContain('physical/pve-vms: physical/pve-storage is assumed done.');
    expect(notes).toContain('backup/restore/k3s-a1: backup/pve-storage is assumed done.');
    expect(notes).toContain('pve1 (the Proxmox node of k3s-a1) is assumed up.');
    expect(notes).toContain('The firewall fw is assumed up.');
    const fw = await rebuildOrder('single', 'fw');
    expect(fw.order).toEqual(['rebuild/fw/install', 'network/firewall', 'physical/base']);
  });
});

describe('rebuild with a layer step that provisions a host', () => {
  it('replaces the generic manual install of that host only', async () => {
    const { site } = await example('reference');
    const layerSteps = collectSteps(site, renderSite(site));
    const create = {
      id: 'proxmox/vm/monitor',
      layer: 'physical' as const,
      title: 'create VM monitor',
      hosts: ['monitor'],
      run: { kind: 'shell' as const, script: 'true' },
      inputs: [],
      rebuild: { phase: 'vm' as const, provisions: true },
    };
    const ids = rebuildSteps(site, [...layerSteps, create]).steps.map((s) => s.id);
    expect(ids).toContain('proxmox/vm/monitor');
    expect(ids).not.toContain('rebuild/monitor/install');
    // physical/pve-vms provisions the other VMs; the machines it does not create keep their manual install
    expect(ids).not.toContain('rebuild/k3s-s1/install');
    expect(ids).toContain('rebuild/pbs1/install');
    expect(ids).toContain('rebuild/pve1/install');
  });
});
