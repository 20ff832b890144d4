// A valid beelab spec of any size, for the 200-node golden and the benchmarks: roles and subnets scale with N.
import { formatNet } from '../../src/net/ipam.ts';
import type { NodeSpec, Spec } from '../../src/spec/schema.ts';
import { tierDefaults } from '../../src/spec/tiers.ts';

const hex = (n: number) => (n & 255).toString(16).padStart(2, '0');

/** A MAC under a vendor prefix, unique per index (up to 16 M). */
function mac(prefix: string, i: number): string {
  return `${prefix}:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`;
}

/** Smallest prefix (at most /24) whose static range (~90/256 of the subnet) holds `hosts` with headroom. */
function prefixFor(hosts: number): number {
  let prefix = 24;
  while (prefix > 8 && (90 * 2 ** (32 - prefix)) / 256 < hosts + 16) prefix--;
  return prefix;
}

interface VlanPlan {
  name: string;
  id: number;
  purpose: 'management' | 'servers' | 'devops' | 'ai' | 'security';
  hosts: number;
  dhcp?: boolean;
}

/** Packs the VLANs, largest first, into the smallest 10.64.0.0 supernet (at most a /16 is typical) that holds them. */
function carve(plans: VlanPlan[]): { supernet: string; cidrs: Map<string, string> } {
  const sized = plans.map((p) => ({ ...p, size: 2 ** (32 - prefixFor(p.hosts)) }));
  const total = sized.reduce((s, p) => s + p.size, 0);
  let superPrefix = 16;
  while (2 ** (32 - superPrefix) < total) superPrefix--;
  const base = (10 << 24) + (64 << 16);
  let offset = 0;
  const cidrs = new Map<string, string>();
  for (const p of [...sized].sort((a, b) => b.size - a.size || a.id - b.id)) {
    cidrs.set(
      p.name,
      formatNet({ base: (base + offset) >>> 0, prefix: 32 - Math.log2(p.size), size: p.size }),
    );
    offset += p.size;
  }
  return { supernet: formatNet({ base, prefix: superPrefix, size: 2 ** (32 - superPrefix) }), cidrs };
}

function node(name: string, role: NodeSpec['role'], i: number): NodeSpec {
  const drives: NonNullable<NodeSpec['drives']> = [
    { id: `/dev/disk/by-id/nvme-SYNTH_SYS_${name}`, role: 'system', sizeGb: 1000 },
  ];
  if (role === 'primary' || role === 'compute') {
    drives.push(
      { id: `/dev/disk/by-id/nvme-SYNTH_POOL_${name}_A`, role: 'pool', sizeGb: 4000 },
      { id: `/dev/disk/by-id/nvme-SYNTH_POOL_${name}_B`, role: 'pool', sizeGb: 4000 },
    );
  }
  if (role === 'backup') {
    drives.push(
      // Two mirrored pairs: a large site's VM disks with their retention (the backup/capacity rule).
      ...['A', 'B', 'C', 'D'].map((d) => ({
        id: `/dev/disk/by-id/ata-SYNTH_BACKUP_${name}_${d}`,
        role: 'backup' as const,
        sizeGb: 64000,
      })),
    );
  }
  return {
    name,
    role,
    model: role === 'backup' ? 'Synthetic backup server' : 'Synthetic node',
    cpu: { cores: role === 'backup' ? 8 : 16 },
    memoryGb: role === 'backup' ? 32 : 128,
    drives,
    nic: { name: 'enp1s0', mac: mac('58:47:ca', i) },
  };
}

/**
 * A reference-tier spec with `nodes` physical machines: one primary, ~5% backup servers, one
 * security node, the rest compute; Talos workers N/4, k3s agents N/8, AI Macs N/10, one watchdog
 * per 20 nodes. Deterministic: the same N gives the same spec.
 */
export function syntheticSpec(nodes: number): Spec {
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new Error(`syntheticSpec: nodes must be a positive integer, got ${nodes}`);
  const backups = nodes >= 2 ? Math.max(1, Math.floor(nodes / 20)) : 0;
  const security = nodes >= 4 ? 1 : 0;
  const compute = nodes - 1 - backups - security;
  const specNodes: NodeSpec[] = [node('pve1', 'primary', 1)];
  for (let i = 0; i < compute; i++) specNodes.push(node(`pve${i + 2}`, 'compute', specNodes.length + 1));
  for (let i = 0; i < backups; i++) specNodes.push(node(`pbs${i + 1}`, 'backup', specNodes.length + 1));
  if (security) specNodes.push(node('sec1', 'security', specNodes.length + 1));

  const aiCount = Math.floor(nodes / 10);
  const aiNodes = Array.from({ length: aiCount }, (_, i) => {
    const role = i === 0 ? 'head' : i <= 2 ? 'secondary' : 'agent';
    return {
      name: i === 0 ? 'ai-head' : `ai-${i + 1}`,
      role,
      hardware: {
        model: role === 'head' ? 'Mac Studio M3 Ultra' : 'Mac mini M4 Pro',
        memoryGb: role === 'head' ? 256 : 64,
      },
      backends: role === 'agent' ? ['llamacpp'] : ['ollama'],
      models: role === 'agent' ? ['qwen3:8b'] : ['qwen3:32b'],
      mac: mac('3c:a6:f6', i + 1),
    } as const;
  });

  // No PiKVM: it drives one machine, and these watchdogs cover up to 20 each.
  const relays = ['gpio', 'shelly-gen2', 'tasmota'] as const;
  const pveNames = specNodes.filter((n) => n.role === 'primary' || n.role === 'compute').map((n) => n.name);
  // One watchdog per 20 Proxmox nodes: two watchdogs on one host is a spec error (two relays).
  const watchdogCount = nodes >= 2 ? Math.max(1, Math.ceil(pveNames.length / 20)) : 0;
  const watchdogs = Array.from({ length: watchdogCount }, (_, i) => {
    const relay = relays[i % relays.length]!;
    const targets = pveNames.slice(i * 20, i * 20 + 20);
    return {
      name: `wd${i + 1}`,
      hardware: i % 2 === 0 ? 'pi4' : 'pi-zero-2w',
      relay,
      ...(relay === 'gpio' ? { gpioPin: 17 } : { relayHost: `plug-${i + 1}` }),
      targets: targets.length > 0 ? targets : ['pve1'],
      mac: mac('dc:a6:32', i + 1),
    } as const;
  });

  const controlPlanes = nodes >= 3 ? 3 : 1;
  const workers = Math.floor(nodes / 4);
  const k3sServers = nodes >= 3 ? 3 : 1;
  const k3sAgents = Math.floor(nodes / 8);
  const relayHosts = watchdogs.filter((w) => 'relayHost' in w).length;
  const plans: VlanPlan[] = [
    { name: 'mgmt', id: 10, purpose: 'management', hosts: 1 + nodes + watchdogCount + relayHosts },
    { name: 'servers', id: 20, purpose: 'servers', hosts: controlPlanes + workers + 4 },
    { name: 'devops', id: 30, purpose: 'devops', hosts: k3sServers + k3sAgents },
    { name: 'ai', id: 40, purpose: 'ai', hosts: aiCount },
    { name: 'security', id: 66, purpose: 'security', hosts: 1, dhcp: false },
  ];
  const { supernet, cidrs } = carve(plans);
  const base = tierDefaults('reference');
  return {
    ...base,
    site: { ...base.site, name: `synth-${nodes}`, domain: 'synth.example.com' },
    network: {
      supernet,
      firewall: base.network!.firewall!,
      vlans: plans.map((p) => ({
        name: p.name,
        id: p.id,
        purpose: p.purpose,
        cidr: cidrs.get(p.name)!,
        ...(p.dhcp === false ? { dhcp: false } : {}),
      })),
    },
    nodes: specNodes,
    production: { controlPlanes, workers, version: 'v1.13.9', memoryGb: 8 },
    devops: { servers: k3sServers, agents: k3sAgents, version: 'v1.34.2+k3s1', memoryGb: 8 },
    ai: {
      gatewayPort: 4000,
      nodes: aiNodes.map((a) => ({ ...a, backends: [...a.backends], models: [...a.models] })),
    },
    backup: {
      retention: base.backup!.retention!,
      schedule: base.backup!.schedule!,
      clonezilla: true,
      ...(backups >= 1 ? { primary: 'pbs1' } : {}),
      ...(backups >= 2 ? { mirror: 'pbs2' } : {}),
    },
    watchdogs: watchdogs.map((w) => ({ ...w, targets: [...w.targets] })),
  } as Spec;
}

/** The reference build with `count` extra client VLANs on a /8: the many-VLAN case of the benchmark. */
export function manyVlansSpec(count: number): Spec {
  const spec = structuredClone(tierDefaults('reference'));
  spec.network!.supernet = '10.0.0.0/8';
  for (let i = 0; i < count; i++)
    spec.network!.vlans!.push({ name: `v${i}`, id: 100 + i, purpose: 'clients' });
  return spec;
}
