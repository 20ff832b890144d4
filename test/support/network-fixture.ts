// A hand-built Site for the network layer's tests, shaped like the reference build (test helper, not product code).
import { BUILTIN_VERSIONS } from '../../src/catalog/versions.ts';
import type { Flow, Host, HostRole, Site, Vlan } from '../../src/site/types.ts';

function vlan(
  name: string,
  id: number,
  purpose: Vlan['purpose'],
  third: number,
  extra: Partial<Vlan> = {},
): Vlan {
  const p = `10.20.${third}`;
  return {
    name,
    id,
    purpose,
    cidr: `${p}.0/24`,
    prefix: 24,
    gateway: `${p}.1`,
    staticRange: [`${p}.2`, `${p}.99`],
    dhcpRange: [`${p}.100`, `${p}.199`],
    vipRange: [`${p}.200`, `${p}.219`],
    poolRange: [`${p}.220`, `${p}.254`],
    dhcp: true,
    internet: 'yes',
    ...extra,
  };
}

/**
 * The policy compiler treats roles as opaque group names; besides real roles this fixture uses two groups
 * of its own (node_exporter, wazuh_agent) to exercise role endpoints that span VLANs.
 */
type FixtureRole = HostRole | 'node_exporter' | 'wazuh_agent' | 'compose';

function host(
  name: string,
  vlanName: string,
  address: string,
  roles: FixtureRole[],
  extra: Partial<Host> = {},
): Host {
  return {
    name,
    fqdn: `${name}.lab.example.com`,
    kind: 'physical',
    roles: roles as HostRole[],
    layers: ['physical'],
    vlan: vlanName,
    address,
    drives: [],
    os: 'debian',
    ...extra,
  };
}

/** A Site with six VLANs, a handful of hosts and the flows the issue names. */
export function fixtureSite(): Site {
  const vlans: Vlan[] = [
    vlan('mgmt', 10, 'management', 10),
    vlan('servers', 20, 'servers', 20),
    vlan('devops', 30, 'devops', 30),
    vlan('ai', 40, 'ai', 40),
    vlan('security', 50, 'security', 50, { dhcp: false, dhcpRange: undefined, internet: 'limited' }),
    vlan('clients', 60, 'clients', 60),
  ];
  const hosts: Host[] = [
    host('fw', 'mgmt', '10.20.10.1', ['firewall'], { kind: 'appliance', os: 'opnsense' }),
    host('pve1', 'mgmt', '10.20.10.11', ['pve', 'pve_primary', 'node_exporter'], {
      os: 'proxmox-ve',
      mac: 'bc:24:11:00:00:11',
    }),
    host('pve2', 'mgmt', '10.20.10.12', ['pve', 'node_exporter'], {
      os: 'proxmox-ve',
      mac: 'bc:24:11:00:00:12',
    }),
    host('pbs', 'mgmt', '10.20.10.13', ['pbs', 'node_exporter'], {
      os: 'proxmox-backup',
      mac: 'bc:24:11:00:00:13',
    }),
    host('sec1', 'mgmt', '10.20.10.14', ['wazuh_manager', 'node_exporter'], { mac: 'bc:24:11:00:00:14' }),
    host('monitor', 'servers', '10.20.20.10', ['prometheus', 'node_exporter', 'wazuh_agent'], {
      kind: 'vm',
      mac: 'bc:24:11:00:00:20',
    }),
    host('apps', 'servers', '10.20.20.11', ['compose', 'node_exporter', 'wazuh_agent'], {
      kind: 'vm',
      mac: 'bc:24:11:00:00:21',
    }),
    host('k3s1', 'devops', '10.20.30.11', ['k3s_server', 'node_exporter', 'wazuh_agent'], {
      kind: 'vm',
      mac: 'bc:24:11:00:00:31',
    }),
    host('studio', 'ai', '10.20.40.10', ['ai_head', 'node_exporter'], {
      kind: 'mac',
      os: 'macos',
      mac: 'a4:83:e7:00:00:01',
    }),
    host('tpot', 'security', '10.20.50.10', ['honeypot'], { kind: 'vm', mac: 'bc:24:11:00:00:50' }),
    host('wd1', 'mgmt', '10.20.10.30', ['watchdog'], { kind: 'pi', os: 'raspberry-pi-os' }),
  ];
  const flows: Flow[] = [
    {
      id: 'prometheus->node-exporter',
      service: 'prometheus',
      from: { kind: 'role', role: 'prometheus' },
      to: { kind: 'role', role: 'node_exporter' as HostRole },
      protocol: 'tcp',
      ports: [9100],
      why: 'scrape host metrics',
    },
    {
      id: 'pve->pbs',
      service: 'pbs',
      from: { kind: 'role', role: 'pve' },
      to: { kind: 'role', role: 'pbs' },
      protocol: 'tcp',
      ports: [8007],
      why: 'VM backups',
    },
    {
      id: 'wazuh-agent->manager',
      service: 'wazuh',
      from: { kind: 'role', role: 'wazuh_agent' as HostRole },
      to: { kind: 'role', role: 'wazuh_manager' },
      protocol: 'tcp',
      ports: [1515, 1514],
      why: 'agent enrolment and events',
    },
    {
      id: 'k3s-api<-devops',
      service: 'k3s',
      from: { kind: 'vlan', vlan: 'devops' },
      to: { kind: 'vip', vip: 'k3s-api' },
      protocol: 'tcp',
      ports: [6443],
      why: 'kubectl and CI deploys',
    },
    {
      id: 'k3s-api<-mgmt',
      service: 'k3s',
      from: { kind: 'vlan', vlan: 'mgmt' },
      to: { kind: 'vip', vip: 'k3s-api' },
      protocol: 'tcp',
      ports: [6443],
      why: 'kubectl from management',
    },
    {
      id: 'clients->apps',
      service: 'immich',
      from: { kind: 'vlan', vlan: 'clients' },
      to: { kind: 'host', host: 'apps' },
      protocol: 'tcp',
      ports: [443],
      why: 'apps through the reverse proxy',
    },
    {
      id: 'gateway<-tailnet',
      service: 'gateway',
      from: { kind: 'tailnet' },
      to: { kind: 'host', host: 'studio' },
      protocol: 'tcp',
      ports: [4000],
      why: 'AI gateway for tailnet users',
    },
    {
      id: 'prometheus->fw',
      service: 'prometheus',
      from: { kind: 'role', role: 'prometheus' },
      to: { kind: 'host', host: 'fw' },
      protocol: 'tcp',
      ports: [9100],
      why: 'scrape the firewall',
    },
  ];
  return {
    name: 'beelab',
    domain: 'lab.example.com',
    timezone: 'Europe/Berlin',
    tier: 'reference',
    versions: BUILTIN_VERSIONS,
    admin: { sshKeys: [], ageRecipients: [] },
    rack: { units: 6, items: [], placement: 'derived', needed: 0, elsewhere: [] },
    supernet: '10.20.0.0/16',
    firewall: { platform: 'opnsense', host: 'fw', wan: 'igc0', trunk: 'igc1', asVm: false },
    vlans,
    hosts,
    vips: [
      {
        key: 'vip/k3s-api',
        name: 'k3s-api',
        fqdn: 'k3s-api.lab.example.com',
        vlan: 'devops',
        address: '10.20.30.200',
        purpose: 'k3s API',
      },
    ],
    pools: [],
    services: [
      {
        name: 'immich',
        kind: 'app',
        layer: 'orchestration',
        description: 'Photo and video library',
        hosts: ['apps'],
        ports: [{ name: 'http', port: 2283, protocol: 'tcp' }],
        consumers: [{ kind: 'vlan', vlan: 'clients' }],
        fqdn: 'photos.lab.example.com',
        volumes: [],
        proxied: true,
      },
    ],
    flows,
    storage: { pool: 'tank', layout: 'mirror', sync: 'none', nfs: true, host: 'pve1' },
    production: {
      controlPlanes: [],
      workers: [],
      version: 'v1.13.9',
      podSubnet: '10.244.0.0/16',
      serviceSubnet: '10.96.0.0/12',
    },
    devops: {
      servers: ['k3s1'],
      agents: [],
      version: 'v1.33.5+k3s1',
      vip: 'k3s-api',
      podSubnet: '10.42.0.0/16',
      serviceSubnet: '10.43.0.0/16',
    },
    ai: {
      nodes: [],
      gatewayPort: 4000,
      tailscale: { admins: [], clients: [], tagOwners: {} },
      gateway: 'beelab',
      keys: [],
    },
    backup: {
      primary: 'pbs',
      retention: { daily: 7, weekly: 4, monthly: 6, yearly: 1 },
      schedule: '02:00',
      clonezilla: true,
      cloneSchedule: 'Sun *-*-01..07 04:00',
    },
    observability: { alerts: [], monitor: 'monitor' },
    watchdogs: [],
  };
}
