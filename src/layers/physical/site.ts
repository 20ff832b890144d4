// The physical layer's part of the Site: the machines in the rack, Proxmox VE, the storage pool over NFS, the UPS.
import {
  type HostRequest,
  type Ordered,
  type SiteContribution,
  service,
  tcp,
} from '../../site/contribution.ts';
import type { Drive, Host, HostRole, Service } from '../../site/types.ts';
import { DEFAULTS } from '../../spec/defaults.ts';
import type { NodeRole } from '../../spec/schema.ts';
import { rackSlice } from './rack.ts';

/** Inventory roles, layers and OS of each node role. */
const NODE_ROLES: Record<NodeRole, { roles: HostRole[]; layers: string[]; os: Host['os'] }> = {
  primary: { roles: ['pve', 'pve_primary'], layers: ['physical'], os: 'proxmox-ve' },
  compute: { roles: ['pve', 'pve_compute'], layers: ['physical'], os: 'proxmox-ve' },
  backup: { roles: ['pbs'], layers: ['physical', 'backup'], os: 'proxmox-backup' },
  security: {
    roles: ['security_node', 'wazuh_manager'],
    layers: ['physical', 'security', 'observability'],
    os: 'debian',
  },
};

/** Machines the UPS powers that shut down on its signal: the NUT service's consumers (PVE and PBS nodes). */
const NUT_CLIENT_ROLES: readonly HostRole[] = ['pve', 'pbs'];

export const physicalSite: SiteContribution = {
  hostRoles({ spec, requests }) {
    const out = new Map<string, HostRole[]>();
    if (!spec.ups?.enabled) return out;
    const physical = requests.filter((h) => h.kind === 'physical');
    const server =
      spec.ups.host ??
      physical.find((h) => h.roles.includes('pve_primary'))?.name ??
      physical.find((h) => h.roles.includes('pve'))?.name;
    for (const h of physical) {
      if (h.name === server) out.set(h.name, ['nut_server']);
      else if (h.roles.some((r) => NUT_CLIENT_ROLES.includes(r))) out.set(h.name, ['nut_client']);
    }
    return out;
  },

  hosts({ spec, vlanFor }) {
    const mgmt = vlanFor('management');
    return (spec.nodes ?? []).map((n): Ordered<HostRequest> => {
      const drives: Drive[] = (n.drives ?? []).map((d) => ({
        id: d.id,
        role: d.role,
        ...(d.sizeGb ? { sizeGb: d.sizeGb } : {}),
      }));
      const { roles, layers, os } = NODE_ROLES[n.role];
      return {
        order: 20,
        name: n.name,
        kind: 'physical',
        roles: [...roles],
        layers: [...layers],
        vlan: mgmt,
        os,
        drives,
        nodeRole: n.role,
        ...(n.model ? { model: n.model } : {}),
        ...(n.cpu ? { cpuCores: n.cpu.cores } : {}),
        ...(n.cpu?.model ? { cpuModel: n.cpu.model } : {}),
        ...(n.memoryGb ? { memoryGb: n.memoryGb } : {}),
        ...(n.nic?.mac ? { mac: n.nic.mac } : {}),
        ...(n.nic?.name ? { nic: n.nic.name } : {}),
        ...(n.address ? { fixedAddress: n.address } : {}),
      };
    });
  },

  services({ spec, withRole, mgmt, monitor }) {
    const pve = withRole('pve');
    const out: Ordered<Service>[] = [];
    if (pve.length > 0) {
      out.push(
        service(20, {
          name: 'proxmox-ve',
          kind: 'infra',
          layer: 'physical',
          description: 'Proxmox VE web UI and API',
          hosts: pve,
          ports: [tcp('https', 8006)],
          consumers: [mgmt, monitor],
          health: { port: 'https', path: '/', scheme: 'https', expect: 200 },
          volumes: ['/etc/pve'],
        }),
      );
    }
    const pool = spec.storage?.pool ?? DEFAULTS.storage.pool;
    if (spec.storage?.nfs && pve.length > 0) {
      out.push(
        service(30, {
          name: 'nfs',
          kind: 'infra',
          layer: 'physical',
          description: `NFS export of the ${pool} pool`,
          hosts: withRole('pve_primary'),
          ports: [tcp('nfs', 2049)],
          // The VMs that keep data on the pool: compose apps and the production cluster's volumes.
          consumers: (['docker', 'talos_worker'] as const)
            .filter((role) => withRole(role).length > 0)
            .map((role) => ({ kind: 'role', role })),
          health: { port: 'nfs' },
          volumes: [`/${pool}`],
        }),
      );
    }
    if (spec.ups?.enabled) {
      out.push(
        service(35, {
          name: 'nut',
          kind: 'infra',
          layer: 'physical',
          description: 'Network UPS Tools server: nodes shut down cleanly on battery',
          hosts: [spec.ups.host ?? withRole('pve_primary')[0] ?? pve[0]!].filter(Boolean),
          ports: [tcp('nut', 3493)],
          consumers: [
            { kind: 'role', role: 'pve' },
            { kind: 'role', role: 'pbs' },
          ],
          health: { port: 'nut' },
        }),
      );
    }
    return out;
  },

  slice(ctx) {
    const { spec, withRole } = ctx;
    const primary = withRole('pve_primary')[0];
    return {
      ...rackSlice(ctx),
      storage: {
        pool: spec.storage?.pool ?? DEFAULTS.storage.pool,
        layout: spec.storage?.layout ?? DEFAULTS.storage.layout,
        sync: spec.storage?.sync ?? DEFAULTS.storage.sync,
        nfs: spec.storage?.nfs ?? DEFAULTS.storage.nfs,
        host: primary ?? withRole('pve')[0] ?? '',
      },
      ...(spec.ups?.enabled
        ? {
            ups: {
              ...(spec.ups.model ? { model: spec.ups.model } : {}),
              driver: spec.ups.driver ?? DEFAULTS.upsDriver,
              host: spec.ups.host ?? primary ?? '',
            },
          }
        : {}),
    };
  },
};
