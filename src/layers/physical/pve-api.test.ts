// Every Proxmox VE setting the physical layer writes (storage entries, VM options) is a real parameter of the
// PVE API, with a value of its type, enum, range and sub-format (test/reference/pve/api-parameters.json).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { problems } from '../../../test/support/pve-api.ts';
import { renderPhysicalAnsible } from './ansible.ts';

function vars(files: ReturnType<typeof renderPhysicalAnsible>, path: string): Record<string, unknown> {
  return parse(files.get(path)!.content);
}

describe.each(['reference', 'compact', 'single'] as const)('PVE API: %s', (name) => {
  const site = exampleSite(name);
  const files = renderPhysicalAnsible(site);
  const nodes = site.hosts.filter((h) => h.roles.includes('pve'));

  it('every storage entry is a valid POST /storage', () => {
    const entries = vars(files, 'ansible/group_vars/pve.yml').pve_storage_entries as {
      type: string;
      storage: string;
      options: Record<string, unknown>;
    }[];
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries)
      expect(
        problems({ type: e.type, storage: e.storage, ...e.options }, 'POST /storage'),
        e.storage,
      ).toEqual([]);
  });

  it('every VM option is a valid POST /nodes/{node}/qemu and config PUT', () => {
    let count = 0;
    for (const n of nodes) {
      const vms = vars(files, `ansible/host_vars/${n.name}.yml`).pve_vms as {
        name: string;
        vmid: number;
        options: Record<string, unknown>;
      }[];
      for (const vm of vms) {
        count++;
        expect(
          problems({ vmid: vm.vmid, name: vm.name, ...vm.options }, 'POST /nodes/{node}/qemu'),
          vm.name,
        ).toEqual([]);
        expect(problems(vm.options, 'PUT /nodes/{node}/qemu/{vmid}/config'), vm.name).toEqual([]);
      }
    }
    // every VM but a firewall VM, which is installed by hand before anything else (see createdVms)
    expect(count).toBe(site.hosts.filter((h) => h.vm && h.name !== site.firewall.host).length);
  });

  it('the migration setting is a valid PUT /cluster/options', () => {
    const network = vars(files, 'ansible/group_vars/pve.yml').pve_migration_network;
    const mgmt = site.vlans.find((v) => v.purpose === 'management')!;
    expect(network).toBe(mgmt.cidr);
    expect(problems({ migration: `type=secure,network=${network}` }, 'PUT /cluster/options')).toEqual([]);
  });
});

describe('the checker itself', () => {
  it('reports an unknown key, a bad enum, a tag out of range and a bad sub-key', () => {
    expect(problems({ cores: 4, frobnicate: 1 }, 'POST /nodes/{node}/qemu')).toEqual([
      'frobnicate is not a parameter of POST /nodes/{node}/qemu',
    ]);
    expect(problems({ ostype: 'linux' }, 'POST /nodes/{node}/qemu')[0]).toMatch(/linux is not one of/);
    expect(
      problems({ net0: 'virtio=AA:BB:CC:DD:EE:FF,bridge=vmbr0,tag=5000' }, 'POST /nodes/{node}/qemu'),
    ).toEqual(['net0.tag: 5000 above 4094']);
    expect(problems({ net0: 'virtio=AA:BB:CC:DD:EE:FF,vlan=20' }, 'POST /nodes/{node}/qemu')).toEqual([
      'net0: vlan is not a key of its format',
    ]);
    expect(problems({ content: 'images,disks' }, 'POST /storage')).toEqual([
      'content: images,disks is not a pve-storage-content-list',
    ]);
  });
});
