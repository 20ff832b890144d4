// Tier defaults: each tier is a complete beelab.yaml; what the user writes replaces the matching parts.
import type { NodeSpec, Spec, Tier } from './schema.ts';

type Vlans = NonNullable<NonNullable<Spec['network']>['vlans']>;

const vlans = {
  mgmt: { name: 'mgmt', id: 10, purpose: 'management' },
  servers: { name: 'servers', id: 20, purpose: 'servers' },
  devops: { name: 'devops', id: 30, purpose: 'devops' },
  ai: { name: 'ai', id: 40, purpose: 'ai' },
  security: { name: 'security', id: 66, purpose: 'security', dhcp: false },
} as const satisfies Record<string, Vlans[number]>;

/** A mini PC that makes a good Proxmox VE node; the drive ids are placeholders the user replaces. */
function pveNode(name: string, role: 'primary' | 'compute', n: number, mac: string): NodeSpec {
  return {
    name,
    role,
    model: 'Minisforum MS-01',
    cpu: { model: 'Intel Core i9-13900H', cores: 14 },
    memoryGb: 96,
    drives: [
      { id: `/dev/disk/by-id/nvme-Samsung_SSD_990_PRO_1TB_S7DNNJ0W10000${n}A`, role: 'system', sizeGb: 1000 },
      { id: `/dev/disk/by-id/nvme-Samsung_SSD_990_PRO_4TB_S7DSNJ0X20000${n}B`, role: 'pool', sizeGb: 4000 },
      { id: `/dev/disk/by-id/nvme-Samsung_SSD_990_PRO_4TB_S7DSNJ0X20000${n}C`, role: 'pool', sizeGb: 4000 },
    ],
    nic: { name: 'enp2s0f0np0', mac },
  };
}

/** The primary with a second drive that holds the Clonezilla clone of its system drive (backup/clonezilla/). */
function withRecovery(node: NodeSpec): NodeSpec {
  const recovery = {
    id: '/dev/disk/by-id/ata-Samsung_SSD_870_EVO_1TB_S6PTNM0T400001D',
    role: 'recovery',
    sizeGb: 1000,
  } as const;
  return { ...node, drives: [...(node.drives ?? []), recovery] };
}

const reference: Spec = {
  version: 1,
  tier: 'reference',
  site: {
    name: 'beelab',
    domain: 'lab.example.com',
    timezone: 'UTC',
    admin: { email: 'admin@example.com', sshKeys: [] },
  },
  network: {
    supernet: '10.20.0.0/16',
    firewall: { platform: 'opnsense', name: 'fw', wan: 'igc0', trunk: 'igc1', mac: '00:e0:67:30:00:01' },
    vlans: [vlans.mgmt, vlans.servers, vlans.devops, vlans.ai, vlans.security],
  },
  nodes: [
    withRecovery(pveNode('pve1', 'primary', 1, '58:47:ca:70:00:01')),
    pveNode('pve2', 'compute', 2, '58:47:ca:70:00:02'),
    pveNode('pve3', 'compute', 3, '58:47:ca:70:00:03'),
    {
      name: 'pbs1',
      role: 'backup',
      model: 'HPE ProLiant MicroServer Gen11',
      cpu: { model: 'Intel Xeon E-2434', cores: 4 },
      memoryGb: 32,
      drives: [
        { id: '/dev/disk/by-id/ata-Samsung_SSD_870_EVO_500GB_S6PXNM0T300001A', role: 'system', sizeGb: 500 },
        { id: '/dev/disk/by-id/ata-WDC_WD120EFBX-68B0EN0_D7G00001', role: 'backup', sizeGb: 12000 },
        { id: '/dev/disk/by-id/ata-WDC_WD120EFBX-68B0EN0_D7G00002', role: 'backup', sizeGb: 12000 },
      ],
      nic: { name: 'eno1', mac: '94:40:c9:40:00:01' },
    },
    {
      name: 'pbs2',
      role: 'backup',
      model: 'Lenovo ThinkCentre M75q Gen 2',
      cpu: { model: 'AMD Ryzen 5 PRO 5650GE', cores: 6 },
      memoryGb: 16,
      drives: [
        { id: '/dev/disk/by-id/nvme-WD_Red_SN700_500GB_22470A400001', role: 'system', sizeGb: 500 },
        { id: '/dev/disk/by-id/ata-ST12000VN0008-2YS101_ZRT00001', role: 'backup', sizeGb: 12000 },
        { id: '/dev/disk/by-id/ata-ST12000VN0008-2YS101_ZRT00002', role: 'backup', sizeGb: 12000 },
      ],
      nic: { name: 'enp1s0', mac: '88:ae:dd:40:00:02' },
    },
    {
      name: 'sec1',
      role: 'security',
      model: 'Intel NUC 13 Pro',
      cpu: { model: 'Intel Core i5-1340P', cores: 12 },
      memoryGb: 32,
      drives: [{ id: '/dev/disk/by-id/nvme-CT1000P3PSSD8_2330E0000001', role: 'system', sizeGb: 1000 }],
      nic: { name: 'enp86s0', mac: '48:21:0b:50:00:01' },
    },
  ],
  storage: { pool: 'tank', layout: 'mirror', sync: 'seafile', nfs: true },
  ups: { enabled: true, model: 'APC Smart-UPS 1500 RM 2U', driver: 'usbhid-ups' },
  production: { controlPlanes: 3, workers: 2, memoryGb: 8 },
  devops: { servers: 1, agents: 2, memoryGb: 8 },
  apps: [
    'immich',
    'vaultwarden',
    'paperless-ngx',
    { name: 'jellyfin', on: 'devops' },
    'home-assistant',
    { name: 'uptime-kuma', on: 'production' },
    'forgejo',
  ],
  ai: {
    gatewayPort: 4000,
    nodes: [
      {
        name: 'ai-head',
        role: 'head',
        hardware: { model: 'Mac Studio M3 Ultra', memoryGb: 256 },
        backends: ['mlx', 'ollama'],
        models: ['qwen3:235b-a22b', 'llama3.3:70b'],
        mac: '3c:a6:f6:60:00:01',
      },
      {
        name: 'ai-2',
        role: 'secondary',
        hardware: { model: 'Mac mini M4 Pro', memoryGb: 64 },
        backends: ['ollama'],
        models: ['qwen3:32b', 'nomic-embed-text'],
        mac: '3c:a6:f6:60:00:02',
      },
      {
        name: 'ai-agent1',
        role: 'agent',
        hardware: { model: 'Mac mini M4', memoryGb: 32 },
        backends: ['llamacpp'],
        models: ['qwen3:8b'],
        mac: '3c:a6:f6:60:00:03',
      },
      {
        name: 'ai-agent2',
        role: 'agent',
        hardware: { model: 'Mac mini M4', memoryGb: 32 },
        backends: ['llamacpp'],
        models: ['qwen3:8b'],
        mac: '3c:a6:f6:60:00:04',
      },
    ],
  },
  backup: {
    primary: 'pbs1',
    mirror: 'pbs2',
    retention: { daily: 7, weekly: 4, monthly: 6, yearly: 1 },
    schedule: '*-*-* 02:00',
    clonezilla: true,
  },
  observability: {
    alerts: [{ type: 'email', target: 'admin@example.com' }],
    securityNode: true,
    honeypot: true,
  },
  watchdogs: [
    {
      name: 'wd1',
      hardware: 'pi4',
      relay: 'shelly-gen2',
      relayHost: 'plug-pve',
      targets: ['pve1', 'pve2', 'pve3'],
      mac: 'dc:a6:32:80:00:01',
    },
    {
      name: 'wd2',
      hardware: 'pi-zero-2w',
      relay: 'gpio',
      gpioPin: 17,
      targets: ['pbs1', 'sec1'],
      mac: 'dc:a6:32:80:00:02',
    },
  ],
};

const compact: Spec = {
  ...reference,
  tier: 'compact',
  network: {
    ...reference.network,
    vlans: [vlans.mgmt, vlans.servers, vlans.devops, vlans.ai],
  },
  // The reference's Proxmox VE nodes, without the primary's recovery drive (a compact rack has no Clonezilla clone).
  nodes: (reference.nodes ?? [])
    .filter((n) => n.role === 'primary' || n.role === 'compute')
    .map((n) => ({ ...n, drives: (n.drives ?? []).filter((d) => d.role !== 'recovery') })),
  storage: { pool: 'tank', layout: 'mirror', sync: 'none', nfs: true },
  ups: { enabled: false },
  production: { controlPlanes: 3, workers: 0, memoryGb: 6 },
  devops: { servers: 1, agents: 1, memoryGb: 6 },
  apps: ['immich', 'vaultwarden', 'paperless-ngx', 'uptime-kuma'],
  ai: { gatewayPort: 4000, nodes: [reference.ai!.nodes![0]!] },
  backup: {
    retention: { daily: 7, weekly: 4, monthly: 3, yearly: 0 },
    schedule: '*-*-* 02:00',
    clonezilla: true,
  },
  observability: {
    alerts: [{ type: 'email', target: 'admin@example.com' }],
    securityNode: false,
    honeypot: false,
  },
  // The Pi 4 with the smart plug that watches the Proxmox nodes, as in the reference build.
  watchdogs: [reference.watchdogs![0]!],
};

const single: Spec = {
  ...reference,
  tier: 'single',
  network: {
    supernet: '10.20.0.0/16',
    firewall: { platform: 'linux', name: 'fw', wan: 'enp1s0', trunk: 'enp2s0' },
    vlans: [vlans.mgmt, vlans.servers],
  },
  nodes: [{ ...withRecovery(pveNode('pve1', 'primary', 1, '58:47:ca:70:00:01')), memoryGb: 64 }],
  storage: { pool: 'tank', layout: 'mirror', sync: 'none', nfs: false },
  ups: { enabled: false },
  production: { controlPlanes: 1, workers: 0, memoryGb: 4 },
  devops: { servers: 1, agents: 0, memoryGb: 4 },
  apps: ['immich', 'vaultwarden'],
  ai: { gatewayPort: 4000, nodes: [] },
  backup: {
    retention: { daily: 7, weekly: 4, monthly: 3, yearly: 0 },
    schedule: '*-*-* 02:00',
    clonezilla: true,
  },
  observability: {
    alerts: [{ type: 'email', target: 'admin@example.com' }],
    securityNode: false,
    honeypot: false,
  },
  watchdogs: [],
};

const TIER_SPECS: Record<Tier, Spec> = { single, compact, reference };

/** The complete default spec of a tier; a fresh copy each call so callers may mutate it. */
export function tierDefaults(tier: Tier): Spec {
  return structuredClone(TIER_SPECS[tier]);
}

/**
 * Fills every part the user left out from the tier. Lists the user wrote (nodes, vlans, apps, ...)
 * replace the tier's list whole: merging list items by position would surprise.
 */
export function withTierDefaults(spec: Spec): Spec {
  const d = tierDefaults(spec.tier ?? 'reference');
  const merge = <T extends object>(base: T | undefined, over: T | undefined): T | undefined =>
    over === undefined ? base : base === undefined ? over : { ...base, ...over };
  const network = merge(d.network, spec.network)!;
  network.firewall = merge(d.network?.firewall, spec.network?.firewall);
  const backup = merge(d.backup, spec.backup)!;
  backup.retention = merge(d.backup?.retention, spec.backup?.retention);
  // Defaults that name hosts only hold while those hosts exist: a user who writes their own
  // node list must not get errors about the tier's pbs1 or watchdog targets they never wrote.
  const nodeNames = new Set((spec.nodes ?? d.nodes ?? []).map((n) => n.name));
  if (spec.nodes) {
    for (const key of ['primary', 'mirror'] as const) {
      if (!spec.backup?.[key] && backup[key] && !nodeNames.has(backup[key])) delete backup[key];
    }
  }
  let watchdogs = spec.watchdogs ?? d.watchdogs;
  if (!spec.watchdogs && spec.nodes) {
    watchdogs = (d.watchdogs ?? [])
      .map((w) => ({ ...w, targets: w.targets.filter((t) => nodeNames.has(t)) }))
      .filter((w) => w.targets.length > 0);
  }
  const observability = merge(d.observability, spec.observability)!;
  const vlanList = network.vlans ?? [];
  if (spec.observability?.honeypot === undefined && !vlanList.some((v) => v.purpose === 'security')) {
    observability.honeypot = false;
  }
  return {
    ...d,
    ...spec,
    tier: spec.tier ?? 'reference',
    site: { ...d.site, ...spec.site, admin: merge(d.site.admin, spec.site.admin) },
    network,
    nodes: spec.nodes ?? d.nodes,
    storage: merge(d.storage, spec.storage),
    ups: merge(d.ups, spec.ups),
    production: merge(d.production, spec.production),
    devops: merge(d.devops, spec.devops),
    apps: spec.apps ?? d.apps,
    ai: merge(d.ai, spec.ai),
    backup,
    observability,
    watchdogs,
  };
}
