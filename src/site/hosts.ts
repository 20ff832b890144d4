// Every host of the Site before addressing: physical nodes, the VMs the tier asks for, Macs, Pis, appliances.
import type { Spec } from '../spec/schema.ts';
import type { Drive, Host, Vlan } from './types.ts';

/** A host whose address, VM id, MAC and placement are still to be allocated. */
export interface HostRequest extends Omit<Host, 'address' | 'fqdn' | 'vm'> {
  /** Address the user wrote, if any; with its spec path for error messages. */
  fixedAddress?: string;
  /** VMs only: size and the group used to spread replicas over nodes. */
  vm?: { cores: number; memoryGb: number; diskGb: number; group: string };
}

type VlanPurpose = Vlan['purpose'];

/** The VLAN for a purpose, falling back to broader ones when the site has fewer VLANs. */
export function vlanFor(vlans: Vlan[], purpose: VlanPurpose): string {
  const chain: Record<VlanPurpose, VlanPurpose[]> = {
    management: ['management'],
    servers: ['servers', 'management'],
    devops: ['devops', 'servers', 'management'],
    ai: ['ai', 'servers', 'management'],
    security: ['security'],
    clients: ['clients', 'management'],
  };
  for (const p of chain[purpose]) {
    const v = vlans.find((x) => x.purpose === p);
    if (v) return v.name;
  }
  return vlans[0]!.name;
}

function vm(
  name: string,
  vlan: string,
  roles: string[],
  layers: string[],
  os: Host['os'],
  size: { cores: number; memoryGb: number; diskGb: number },
  group: string,
): HostRequest {
  return { name, kind: 'vm', roles, layers, vlan, os, drives: [], vm: { ...size, group } };
}

/** Builds the host list in a fixed order: appliances, physical nodes, VMs, Macs, Pis. */
export function hostRequests(spec: Spec, vlans: Vlan[]): HostRequest[] {
  const mgmt = vlanFor(vlans, 'management');
  const servers = vlanFor(vlans, 'servers');
  const devopsVlan = vlanFor(vlans, 'devops');
  const aiVlan = vlanFor(vlans, 'ai');
  const out: HostRequest[] = [];
  const fw = spec.network?.firewall ?? {};
  const platform = fw.platform ?? 'opnsense';
  const nodes = spec.nodes ?? [];
  const pveNodes = nodes.filter((n) => n.role === 'primary' || n.role === 'compute');
  const asVmFirewall = spec.tier === 'single';

  const fwHost: HostRequest = {
    name: fw.name ?? 'fw',
    kind: asVmFirewall ? 'vm' : 'appliance',
    roles: ['firewall', `firewall_${platform}`],
    layers: ['network', 'security'],
    vlan: mgmt,
    os: platform === 'linux' ? 'debian' : platform,
    drives: [],
    ...(fw.mac ? { mac: fw.mac } : {}),
    ...(asVmFirewall ? { vm: { cores: 2, memoryGb: 4, diskGb: 32, group: 'firewall' } } : {}),
  };
  out.push(fwHost);

  const relays = new Set<string>();
  for (const w of spec.watchdogs ?? []) {
    if (w.relayHost && !/^\d/.test(w.relayHost) && !relays.has(w.relayHost) && w.relayHost !== fwHost.name) {
      relays.add(w.relayHost);
      const relayKind = w.relay === 'pikvm' ? 'pikvm' : 'smart_plug';
      out.push({
        name: w.relayHost,
        kind: 'appliance',
        roles: [relayKind],
        layers: ['observability'],
        vlan: mgmt,
        os: 'debian',
        drives: [],
      });
    }
  }

  for (const n of nodes) {
    const roles =
      n.role === 'primary'
        ? ['pve', 'pve_primary']
        : n.role === 'compute'
          ? ['pve', 'pve_compute']
          : n.role === 'backup'
            ? ['pbs']
            : ['security_node', 'wazuh_manager'];
    const layers =
      n.role === 'backup'
        ? ['physical', 'backup']
        : n.role === 'security'
          ? ['physical', 'security', 'observability']
          : ['physical'];
    const drives: Drive[] = (n.drives ?? []).map((d) => ({
      id: d.id,
      role: d.role,
      ...(d.sizeGb ? { sizeGb: d.sizeGb } : {}),
    }));
    out.push({
      name: n.name,
      kind: 'physical',
      roles,
      layers,
      vlan: mgmt,
      os: n.role === 'backup' ? 'proxmox-backup' : n.role === 'security' ? 'debian' : 'proxmox-ve',
      drives,
      nodeRole: n.role,
      ...(n.model ? { model: n.model } : {}),
      ...(n.cpu ? { cpuCores: n.cpu.cores } : {}),
      ...(n.memoryGb ? { memoryGb: n.memoryGb } : {}),
      ...(n.nic?.mac ? { mac: n.nic.mac } : {}),
      ...(n.nic?.name ? { nic: n.nic.name } : {}),
      ...(n.address ? { fixedAddress: n.address } : {}),
    });
  }

  if (pveNodes.length > 0) {
    const prod = spec.production ?? {};
    const talosMem = prod.memoryGb ?? 8;
    for (let i = 1; i <= (prod.controlPlanes ?? 0); i++) {
      out.push(
        vm(
          `talos-cp${i}`,
          servers,
          ['talos', 'talos_controlplane'],
          ['orchestration'],
          'talos',
          { cores: 4, memoryGb: talosMem, diskGb: 100 },
          'talos-cp',
        ),
      );
    }
    for (let i = 1; i <= (prod.workers ?? 0); i++) {
      out.push(
        vm(
          `talos-w${i}`,
          servers,
          ['talos', 'talos_worker'],
          ['orchestration'],
          'talos',
          { cores: 4, memoryGb: talosMem, diskGb: 200 },
          'talos-w',
        ),
      );
    }
    const dev = spec.devops ?? {};
    const k3sMem = dev.memoryGb ?? 8;
    for (let i = 1; i <= (dev.servers ?? 0); i++) {
      out.push(
        vm(
          `k3s-s${i}`,
          devopsVlan,
          ['k3s', 'k3s_server'],
          ['devops', 'orchestration'],
          'debian',
          { cores: 4, memoryGb: k3sMem, diskGb: 64 },
          'k3s-s',
        ),
      );
    }
    for (let i = 1; i <= (dev.agents ?? 0); i++) {
      out.push(
        vm(
          `k3s-a${i}`,
          devopsVlan,
          ['k3s', 'k3s_agent'],
          ['devops', 'orchestration'],
          'debian',
          { cores: 4, memoryGb: k3sMem, diskGb: 100 },
          'k3s-a',
        ),
      );
    }
    out.push(
      vm(
        'apps',
        servers,
        ['docker', 'reverse_proxy'],
        ['orchestration'],
        'debian',
        { cores: 6, memoryGb: 16, diskGb: 200 },
        'apps',
      ),
    );
    out.push(
      vm(
        'monitor',
        servers,
        ['prometheus', 'alertmanager', 'grafana'],
        ['observability'],
        'debian',
        { cores: 2, memoryGb: 4, diskGb: 100 },
        'monitor',
      ),
    );
    if (!nodes.some((n) => n.role === 'backup')) {
      out.push(
        vm(
          'backup',
          mgmt,
          ['pbs'],
          ['backup'],
          'proxmox-backup',
          { cores: 2, memoryGb: 4, diskGb: 64 },
          'pbs',
        ),
      );
    }
    const obs = spec.observability ?? {};
    if (obs.securityNode && !nodes.some((n) => n.role === 'security')) {
      out.push(
        vm(
          'wazuh',
          servers,
          ['security_node', 'wazuh_manager'],
          ['security', 'observability'],
          'debian',
          { cores: 4, memoryGb: 8, diskGb: 100 },
          'wazuh',
        ),
      );
    }
    const secVlan = vlans.find((v) => v.purpose === 'security');
    if (obs.honeypot && secVlan) {
      out.push(
        vm(
          'tpot',
          secVlan.name,
          ['honeypot'],
          ['security'],
          'debian',
          { cores: 4, memoryGb: 16, diskGb: 128 },
          'tpot',
        ),
      );
    }
  }

  for (const a of spec.ai?.nodes ?? []) {
    out.push({
      name: a.name,
      kind: 'mac',
      roles: ['ai', `ai_${a.role}`],
      layers: ['ai'],
      vlan: aiVlan,
      os: 'macos',
      drives: [],
      ...(a.hardware ? { model: a.hardware.model, memoryGb: a.hardware.memoryGb } : {}),
      ...(a.mac ? { mac: a.mac } : {}),
      ...(a.address ? { fixedAddress: a.address } : {}),
    });
  }

  for (const w of spec.watchdogs ?? []) {
    out.push({
      name: w.name,
      kind: 'pi',
      roles: ['watchdog'],
      layers: ['observability'],
      vlan: mgmt,
      os: 'raspberry-pi-os',
      drives: [],
      model: w.hardware ?? 'pi4',
      ...(w.mac ? { mac: w.mac } : {}),
      ...(w.address ? { fixedAddress: w.address } : {}),
    });
  }
  return out;
}
