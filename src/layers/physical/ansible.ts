// The physical layer's Ansible: its roles, its playbook and the group and host variables generated from the Site.
import { CLOUD_IMAGES, talosIsoUrl } from '../../catalog/images.ts';
import type { Host, Site } from '../../site/types.ts';
import { FileTree } from '../../tree/file-tree.ts';
import { GENERATED_NOTICE } from '../../tree/serialize/index.ts';
import { ansibleYaml, roleFiles } from '../ansible-roles.ts';
import { ansibleAccess, isDebianFamily } from '../devops/ansible-access.ts';
import { hostFirewall, hostFirewallExemption } from './host-firewall.ts';

export const PHYSICAL_PLAYBOOK = 'ansible/playbooks/physical.yml';
const ROLES = new URL('./roles/', import.meta.url);

/** Seconds on battery before a NUT client shuts down: compute nodes first, backup servers after. */
const NUT_DELAY: { role: Host['roles'][number]; seconds: number }[] = [
  { role: 'pve_compute', seconds: 120 },
  { role: 'pbs', seconds: 180 },
];

const VDEV: Record<Site['storage']['layout'], string> = {
  mirror: 'mirror',
  raidz1: 'raidz1',
  raidz2: 'raidz2',
  single: '',
  stripe: '',
};

/** `mirror a b mirror c d`: a mirror pairs drives (an odd one out is left for the check to report). */
export function poolVdevs(layout: Site['storage']['layout'], drives: string[]): string[] {
  if (drives.length === 0) return [];
  if (layout === 'mirror') {
    const out: string[] = [];
    for (let i = 0; i + 1 < drives.length; i += 2) out.push(`mirror ${drives[i]} ${drives[i + 1]}`);
    return out;
  }
  const vdev = VDEV[layout];
  return [vdev ? `${vdev} ${drives.join(' ')}` : drives.join(' ')];
}

export function cpuVendor(host: Host): 'intel' | 'amd' | 'unknown' {
  const m = `${host.cpuModel ?? ''} ${host.model ?? ''}`.toLowerCase();
  if (/intel|xeon|core i\d/.test(m)) return 'intel';
  if (/amd|ryzen|epyc/.test(m)) return 'amd';
  return 'unknown';
}

const header = (what: string) => `${GENERATED_NOTICE}\n\n${what}`;

function pveNodes(site: Site): Host[] {
  return site.hosts.filter((h) => h.roles.includes('pve'));
}

/** The PVE API options of one VM (`qm set` keys), checked against the Proxmox VE API schema by a test. */
/**
 * VMs the physical layer creates. A firewall VM is not one of them: everything here needs the network it
 * provides (repositories, image downloads), so it is installed by hand first (the rebuild's manual step).
 */
export function createdVms(site: Site): Host[] {
  return site.hosts.filter((h) => h.vm && h.name !== site.firewall.host);
}

export function vmOptions(site: Site, vm: Host): Record<string, string | number> {
  const vlan = site.vlans.find((v) => v.name === vm.vlan);
  if (!vm.vm || !vlan) throw new Error(`vmOptions: ${vm.name} is not a VM on a known VLAN`);
  const net = `virtio=${(vm.mac ?? '').toUpperCase()},bridge=vmbr0,tag=${vlan.id}`;
  const tags = [...new Set(vm.roles.map((r) => r.replace(/_/g, '-')))].join(';');
  const common = {
    cores: vm.vm.cores,
    memory: vm.vm.memoryGb * 1024,
    net0: net,
    onboot: 1,
    agent: 'enabled=1',
    tags,
  };
  if (vm.os === 'talos') {
    return {
      ...common,
      ostype: 'l26',
      cpu: 'host',
      scsihw: 'virtio-scsi-single',
      scsi0: `${site.storage.pool}:${vm.vm.diskGb},discard=on,ssd=1`,
      boot: 'order=scsi0;ide2',
    };
  }
  const access = ansibleAccess(vm);
  return {
    ...common,
    ciuser: access.ssh ? access.user : 'debian',
    ipconfig0: `ip=${vm.address}/${vlan.prefix},gw=${vlan.gateway}`,
    nameserver: vlan.gateway,
    searchdomain: site.domain,
  };
}

export interface StorageEntry {
  type: 'zfspool' | 'nfs';
  storage: string;
  /** `pvesm add` options by their API names (POST /storage). */
  options: Record<string, string | number>;
}

/** The cluster's storage.cfg entries: the pool on the nodes that have it, the primary's NFS export. */
export function storageEntries(site: Site, poolNodes: string[], nfsServer: Host | undefined): StorageEntry[] {
  const pool = site.storage.pool;
  const out: StorageEntry[] = [];
  if (poolNodes.length > 0)
    out.push({
      type: 'zfspool',
      storage: pool,
      options: { pool, content: 'images,rootdir', sparse: 1, nodes: poolNodes.join(',') },
    });
  if (nfsServer)
    out.push({
      type: 'nfs',
      storage: `${pool}-nfs`,
      options: {
        server: nfsServer.address,
        export: `/${pool}/shared`,
        content: 'iso,vztmpl,snippets',
        options: 'vers=4.2',
      },
    });
  return out;
}

function vmImage(vm: Host): 'debian' | 'ubuntu' | 'talos' {
  if (vm.os === 'talos') return 'talos';
  // The DevOps cluster runs on Ubuntu (its kernels carry what Cilium wants); every other VM on Debian.
  return vm.os === 'ubuntu' ? 'ubuntu' : 'debian';
}

/** A two-node cluster needs a third vote: the first Pi watchdog runs the corosync QNet daemon. */
function qdeviceHost(site: Site): Host | undefined {
  if (pveNodes(site).length !== 2) return undefined;
  return site.hosts.find((h) => h.roles.includes('watchdog') && isDebianFamily(h));
}

function pveGroupVars(site: Site): Record<string, unknown> {
  const nodes = pveNodes(site);
  const mgmt = site.vlans.find((v) => v.purpose === 'management') ?? site.vlans[0];
  const primary = nodes.find((h) => h.roles.includes('pve_primary')) ?? nodes[0];
  const qdevice = qdeviceHost(site);
  const nfs = site.services.find((s) => s.name === 'nfs');
  const nfsClients = new Set(nodes.map((n) => n.address));
  for (const c of nfs?.consumers ?? [])
    if (c.kind === 'role')
      for (const h of site.hosts) if (h.roles.includes(c.role)) nfsClients.add(h.address);
  const poolNodes = nodes.filter((n) => n.drives.some((d) => d.role === 'pool')).map((n) => n.name);
  const nfsOn = site.storage.nfs && nfs !== undefined;
  const talosVersion = site.production.version;
  return {
    pve_cluster_name: site.name.slice(0, 15),
    pve_primary: primary?.name ?? '',
    pve_nodes: nodes.map((n) => ({ name: n.name, address: n.address })),
    pve_qdevice_address: qdevice?.address ?? '',
    pve_ha_group: nodes.length >= 3 ? site.name : '',
    pve_migration_network: mgmt?.cidr ?? '',
    pve_mgmt_vlan_id: mgmt?.id ?? 1,
    pve_mgmt_prefix: mgmt?.prefix ?? 24,
    pve_mgmt_gateway: mgmt?.gateway ?? '',
    pve_pool_name: site.storage.pool,
    pve_nfs_enabled: nfsOn,
    pve_nfs_clients: [...nfsClients].sort(),
    pve_storage_entries: storageEntries(site, poolNodes, nfsOn ? primary : undefined),
    pve_cloud_images: Object.fromEntries(
      Object.entries(CLOUD_IMAGES).map(([k, v]) => [
        k,
        { name: v.name, ...site.versions.cloudImages[k as keyof typeof CLOUD_IMAGES] },
      ]),
    ),
    pve_talos_iso: {
      url: talosIsoUrl(site.versions, talosVersion),
      file: `talos-${talosVersion}-nocloud-amd64.iso`,
    },
    // pvecm and migrations log in between nodes as root, by key only.
    base_permit_root_login: 'prohibit-password',
  };
}

function pveHostVars(site: Site, node: Host, index: number): Record<string, unknown> {
  const pool = node.drives.filter((d) => d.role === 'pool').map((d) => d.id);
  const vms = createdVms(site)
    .filter((h) => h.vm?.node === node.name)
    .sort((a, b) => (a.vm?.vmid ?? 0) - (b.vm?.vmid ?? 0))
    .map((vm) => ({
      name: vm.name,
      vmid: vm.vm?.vmid,
      image: vmImage(vm),
      disk_gb: vm.vm?.diskGb,
      options: vmOptions(site, vm),
    }));
  return {
    pve_bridge_port: node.nic ?? 'eno1',
    pve_cpu_vendor: cpuVendor(node),
    pve_pool_vdevs: poolVdevs(site.storage.layout, pool),
    pve_template_ids: Object.fromEntries(Object.keys(CLOUD_IMAGES).map((k, i) => [k, 9000 + index * 10 + i])),
    pve_vms: vms,
  };
}

function linuxHostVars(site: Site, host: Host): { vars: Record<string, unknown>; note: string } {
  const vars: Record<string, unknown> = {};
  const exempt = hostFirewallExemption(site, host);
  const notes: string[] = [];
  if (exempt) {
    vars.base_firewall_enabled = false;
    notes.push(`No host firewall from the base role: ${exempt}.`);
  } else {
    vars.base_firewall_allow = hostFirewall(site, host);
    notes.push(
      'base_firewall_allow: exactly the flows of docs/flows.md that end on this host, plus SSH from management.',
    );
  }
  // A host reached on another SSH port (the honeypot: T-Pot's Cowrie takes 22) has the base role move sshd there.
  const access = ansibleAccess(host);
  const sshPort = access.ssh ? access.vars?.ansible_port : undefined;
  if (sshPort) {
    vars.base_ssh_port = Number(sshPort);
    notes.push(`base_ssh_port: sshd listens on ${sshPort} alone, the inventory's ansible_port.`);
  }
  if (site.ups && host.roles.includes('nut_client')) {
    const delay = NUT_DELAY.find((d) => host.roles.includes(d.role));
    vars.nut_shutdown_after_s = delay?.seconds ?? 0;
  }
  return { vars, note: notes.join('\n') };
}

interface Play {
  name: string;
  hosts: string;
  become?: boolean;
  gather_facts?: boolean;
  tags?: string[];
  pre_tasks?: unknown[];
  tasks?: unknown[];
  roles?: string[];
}

function playbook(site: Site): Play[] {
  const nodes = pveNodes(site);
  const plays: Play[] = [];
  if (nodes.length > 0) {
    plays.push({
      name: 'Proxmox VE nodes',
      hosts: 'pve',
      tags: ['proxmox', 'pve-nodes'],
      roles: ['pve_host', 'chrony'],
    });
    const qdevice = qdeviceHost(site);
    if (qdevice) {
      plays.push({
        name: 'QDevice for the two-node cluster',
        hosts: qdevice.name,
        become: true,
        tags: ['proxmox', 'pve-cluster'],
        tasks: [
          {
            name: 'Install the corosync QNet daemon',
            'ansible.builtin.apt': { name: 'corosync-qnetd', state: 'present', update_cache: true },
          },
        ],
      });
    }
    if (nodes.length > 1)
      plays.push({
        name: 'Proxmox VE cluster',
        hosts: 'pve',
        tags: ['proxmox', 'pve-cluster'],
        roles: ['pve_cluster'],
      });
    plays.push(
      { name: 'Proxmox VE storage', hosts: 'pve', tags: ['proxmox', 'pve-storage'], roles: ['pve_storage'] },
      { name: 'Proxmox VE guests', hosts: 'pve', tags: ['proxmox', 'pve-vms'], roles: ['pve_vms'] },
    );
  }
  plays.push({
    name: 'Debian base',
    hosts: 'debian',
    become: true,
    tags: ['base'],
    // Facts are gathered once the host answers: a new VM boots first, and a host whose sshd the base role
    // moves (base_ssh_port) still answers on 22 until it has run once.
    gather_facts: false,
    pre_tasks: [
      {
        name: 'Look for sshd on its moved port',
        'ansible.builtin.wait_for': { host: '{{ ansible_host }}', port: '{{ ansible_port }}', timeout: 10 },
        delegate_to: 'localhost',
        become: false,
        register: 'base_ssh_moved',
        ignore_errors: true,
        when: '(base_ssh_port | default(22) | int) != 22',
      },
      {
        name: 'Reach it on 22 until the base role has moved it',
        'ansible.builtin.set_fact': { ansible_port: 22 },
        when: 'base_ssh_moved is failed',
      },
      {
        name: 'Wait for the host (a new VM boots and runs cloud-init first)',
        'ansible.builtin.wait_for_connection': { timeout: 300 },
      },
      { name: 'Gather facts', 'ansible.builtin.setup': {} },
    ],
    roles: ['base', 'chrony'],
  });
  if (site.ups)
    plays.push({
      name: 'UPS (Network UPS Tools)',
      hosts: 'nut_server:nut_client',
      become: true,
      tags: ['ups'],
      roles: ['nut'],
    });
  return plays;
}

/** Everything the physical layer writes under ansible/. */
export function renderPhysicalAnsible(site: Site): FileTree {
  const tree = new FileTree();
  for (const [path, content] of roleFiles(ROLES)) tree.add(`ansible/roles/${path}`, content, 'physical');
  tree.add(
    PHYSICAL_PLAYBOOK,
    ansibleYaml(
      playbook(site),
      header(
        'Layer 1, physical: Proxmox VE nodes, cluster, storage and guests, then the Debian base of every\n' +
          'Debian-family host and the UPS. Run: ansible-playbook playbooks/physical.yml (from ansible/).',
      ),
    ),
    'physical',
  );
  const nodes = pveNodes(site);
  if (nodes.length > 0) {
    tree.add(
      'ansible/group_vars/pve.yml',
      ansibleYaml(
        pveGroupVars(site),
        header('Proxmox VE cluster settings; per-node values in ../host_vars/<node>.yml.'),
      ),
      'physical',
    );
  }
  if (site.ups) {
    const server = site.hosts.find((h) => h.name === site.ups?.host);
    tree.add(
      'ansible/group_vars/nut_server.yml',
      ansibleYaml(
        { nut_mode: 'netserver', nut_driver: site.ups.driver, nut_ups_description: site.ups.model ?? 'UPS' },
        header('The host the UPS is cabled to.'),
      ),
      'physical',
    );
    tree.add(
      'ansible/group_vars/nut_client.yml',
      ansibleYaml(
        { nut_mode: 'netclient', nut_server: server?.address ?? '' },
        header(`Machines on the UPS that ${site.ups.host} powers; they shut down on its signal.`),
      ),
      'physical',
    );
  }
  nodes.forEach((node, i) => {
    const vars = { ...pveHostVars(site, node, i), ...linuxHostVars(site, node).vars };
    tree.add(
      `ansible/host_vars/${node.name}.yml`,
      ansibleYaml(vars, header(`Proxmox VE node ${node.name}: uplink, pool drives, templates and its VMs.`)),
      'physical',
    );
  });
  for (const host of site.hosts) {
    if (host.roles.includes('pve') || !isDebianFamily(host)) continue;
    const { vars, note } = linuxHostVars(site, host);
    tree.add(
      `ansible/host_vars/${host.name}.yml`,
      ansibleYaml(vars, header(`${host.name}: ${note}`)),
      'physical',
    );
  }
  return tree;
}
