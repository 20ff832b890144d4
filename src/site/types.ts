// The resolved Site: the explicit model every layer reads. Layers never read the raw Spec.
import type { AcmeDnsProvider, AcmeServer } from '../catalog/acme.ts';
import type { Versions } from '../catalog/versions.ts';
import type {
  AiBackend,
  AiRole,
  AlertSeverity,
  AlertType,
  AppPlacement,
  DriveRole,
  FirewallPlatform,
  NodeRole,
  PoolLayout,
  RackItemKind,
  RelayType,
  SyncOverlay,
  Tier,
  VlanPurpose,
} from '../spec/schema.ts';

/** Every role a host can have; inventory groups are named after them. */
export type HostRole =
  | 'firewall'
  | `firewall_${FirewallPlatform}`
  | 'pikvm'
  | 'smart_plug'
  | 'pve'
  | 'pve_primary'
  | 'pve_compute'
  | 'pbs'
  | 'security_node'
  | 'wazuh_manager'
  | 'honeypot'
  | 'talos'
  | 'talos_controlplane'
  | 'talos_worker'
  | 'k3s'
  | 'k3s_server'
  | 'k3s_agent'
  | 'docker'
  | 'reverse_proxy'
  | 'prometheus'
  | 'alertmanager'
  | 'grafana'
  | 'ai'
  | `ai_${AiRole}`
  | 'watchdog'
  /** Network UPS Tools: the host the UPS is cabled to, and the machines it powers that shut down on its signal. */
  | 'nut_server'
  | 'nut_client'
  /** Runs a Wazuh agent that reports to the manager (given by the security layer to every capable host). */
  | 'wazuh_agent'
  /** A device of the user's that Beelab does not manage (beelab.yaml `devices`). */
  | 'device';

/** What a host is, physically. */
export type HostKind = 'physical' | 'vm' | 'mac' | 'pi' | 'appliance';

export interface Vlan {
  name: string;
  /** 802.1Q tag. */
  id: number;
  purpose: VlanPurpose;
  /** e.g. 10.20.10.0/24 */
  cidr: string;
  prefix: number;
  /** The firewall's address on this VLAN, first usable. */
  gateway: string;
  /** Range for static host addresses, inclusive. */
  staticRange: [string, string];
  /** DHCP pool, inclusive; undefined when the VLAN serves no DHCP. */
  dhcpRange?: [string, string];
  /** Range reserved for VIPs, inclusive (e.g. Talos and k3s API VIPs). */
  vipRange: [string, string];
  /** Range for load-balancer pools (MetalLB / Cilium LB-IPAM), inclusive; absent on small subnets. */
  poolRange?: [string, string];
  dhcp: boolean;
  /**
   * Interface slot on appliance firewalls (opt<N>), locked; absent on the VLAN that is `lan` (the management
   * VLAN, else the first).
   */
  ifSlot?: number;
  /** Egress to the internet allowed ('limited' = logged, web only, for the honeypot VLAN). */
  internet: 'yes' | 'no' | 'limited';
}

export interface Drive {
  id: string;
  role: DriveRole;
  sizeGb?: number;
}

export interface Host {
  /** Short host name, unique in the site. */
  name: string;
  fqdn: string;
  kind: HostKind;
  /** Roles that group hosts in the inventory, e.g. pve, pve_primary, talos_controlplane, k3s_server, pbs. */
  roles: HostRole[];
  /** Layers this host belongs to (for inventory grouping). */
  layers: string[];
  vlan: string;
  address: string;
  mac?: string;
  model?: string;
  cpuCores?: number;
  /** CPU model as written in beelab.yaml (nodes), e.g. "Intel Core i9-13900H": picks microcode and IOMMU flags. */
  cpuModel?: string;
  memoryGb?: number;
  drives: Drive[];
  /** NIC name on the host (physical machines). */
  nic?: string;
  /** Operating system family, used by probes and renderers. */
  os:
    | 'proxmox-ve'
    | 'proxmox-backup'
    | 'debian'
    /** Ubuntu 24.04 LTS (the k3s VMs: its kernels carry what Cilium wants). */
    | 'ubuntu'
    | 'talos'
    | 'macos'
    | 'raspberry-pi-os'
    | 'opnsense'
    | 'pfsense'
    | 'vyos'
    /** A device Beelab does not manage (a NAS, a printer): addressed and firewalled, never configured. */
    | 'other';
  /** VMs only: Proxmox VE node it runs on, and its VM id. */
  vm?: { node: string; vmid: number; cores: number; memoryGb: number; diskGb: number };
  /** Node role from the spec (physical nodes). */
  nodeRole?: NodeRole;
}

export interface Vip {
  /** Lock key, e.g. vip/talos-api. */
  key: string;
  name: string;
  fqdn: string;
  vlan: string;
  address: string;
  purpose: string;
}

export interface LbPool {
  name: string;
  vlan: string;
  /** Inclusive range. */
  range: [string, string];
  purpose: string;
}

export type Protocol = 'tcp' | 'udp' | 'icmp';

export interface Port {
  name: string;
  port: number;
  protocol: Protocol;
}

/** One entry of the service catalog, placed on hosts: the one source every layer reads. */
export interface Service {
  name: string;
  /** infra: a layer's; app: from the app catalog; own: declared in beelab.yaml `services`. */
  kind: 'infra' | 'app' | 'own';
  /** Layer that owns the service. */
  layer: string;
  description: string;
  /** Hosts (or VIP names) it runs on. */
  hosts: string[];
  /** For apps: compose host, devops cluster or production cluster. */
  placement?: AppPlacement;
  version?: string;
  image?: string;
  ports: Port[];
  /** Who must reach it. */
  consumers: Endpoint[];
  /** DNS name under the site domain, e.g. photos.lab.example.com. */
  fqdn?: string;
  /** Data that must be backed up, paths on the host. */
  volumes: string[];
  /** Health check: port name and HTTP path, or a TCP check when path is absent. */
  health?: { port: string; path?: string; scheme?: 'http' | 'https'; expect?: number };
  /** Prometheus metrics endpoint. */
  metrics?: { port: string; path: string };
  /** Served through the reverse proxy on HTTPS. */
  proxied: boolean;
}

/** A source or destination of a flow. */
export type Endpoint =
  /**
   * Every device of a VLAN. Least privilege wants hosts or roles; a whole-VLAN consumer of an infrastructure
   * service other than management says `because` (the check rule site/vlan-wide-source flags it otherwise).
   */
  | { kind: 'vlan'; vlan: string; because?: string }
  | { kind: 'host'; host: string }
  | { kind: 'vip'; vip: string }
  | { kind: 'role'; role: HostRole }
  | { kind: 'tailnet' }
  | { kind: 'internet' };

/** Who must reach what, on which port: the firewall policy is compiled from these. */
export interface Flow {
  /** Stable id, e.g. prometheus->node-exporter. */
  id: string;
  service: string;
  from: Endpoint;
  to: Endpoint;
  protocol: Protocol;
  ports: number[];
  why: string;
}

export interface AiNode {
  host: string;
  role: AiRole;
  backends: AiBackend[];
  models: string[];
  memoryGb?: number;
}

/** An API key of the gateway; its plaintext is the secret `gateway-key-<name>`. */
export interface GatewayKey {
  name: string;
  /** Who holds it. */
  holder: string;
  models?: string[];
  rpm?: number;
  tpm?: number;
  budget?: { tokens: number; period: 'day' | 'month' };
}

/** The tailnet policy's inputs (beelab.yaml ai.tailscale, defaults filled in). */
export interface Tailscale {
  /** Logins of group:admins. */
  admins: string[];
  /** Selectors that may call the gateway over the tailnet. */
  clients: string[];
  /** Tags beyond Beelab's own, with who may assign them. */
  tagOwners: Record<string, string[]>;
  subnetRouter?: { host: string; vlans: string[] };
}

export interface Watchdog {
  host: string;
  relay: RelayType;
  relayHost?: string;
  gpioPin?: number;
  targets: string[];
}

/** One item in the rack: a host, a shelf of hosts, or an item Beelab does not manage (patch panel, switch, UPS). */
export interface RackItem {
  /** The host's name, or the item's (patch-panel, switch, ups, mac-shelf, ...). */
  name: string;
  /** `host` for a host of the site placed by its name; else what the item is. */
  kind: 'host' | RackItemKind;
  /** The lowest U it takes; U1 is the bottom of the rack. */
  u: number;
  /** Height in U: it takes U `u` to `u + height - 1`. */
  height: number;
  /** Text for the map: the spec's label, the host's model, or what the item is. */
  label: string;
  /** The hosts it holds: the host itself, the hosts on a shelf, none for a patch panel. */
  hosts: string[];
  /** Its index in beelab.yaml `rack.devices` when the user placed it. */
  device?: number;
}

/** The rack map: every U and what is in it. */
export interface Rack {
  /** Height in U. */
  units: number;
  /** Top to bottom. */
  items: RackItem[];
  /** `spec`: the user placed the items (rack.devices); `derived`: Beelab did, from the site. */
  placement: 'spec' | 'derived';
  /** The U the items need: the top of the highest one (at least `units` when they fit). */
  needed: number;
  /** Machines of the site that are not in the rack (smart plugs, your devices, hosts `rack.devices` leaves out). */
  elsewhere: string[];
}

/** Where Alertmanager sends alerts: one of beelab.yaml's observability.alerts with its defaults. */
export interface AlertChannel {
  type: AlertType;
  target: string;
  /** The least severe alerts it gets (default warning: every alert). */
  severity: AlertSeverity;
  /** Only the alerts of these layers; absent: every layer. */
  layers?: string[];
}

export interface Site {
  name: string;
  domain: string;
  timezone: string;
  tier: Tier;
  admin: {
    email?: string;
    sshKeys: string[] /** age recipients that secrets/ is encrypted to. */;
    ageRecipients: string[];
  };
  /** Public certificates for the Compose proxy by ACME DNS-01 (lego); absent: Caddy's internal CA. */
  acme?: { email: string; dnsProvider: AcmeDnsProvider; server: AcmeServer };
  supernet: string;
  firewall: { platform: FirewallPlatform; host: string; wan: string; trunk: string; asVm: boolean };
  vlans: Vlan[];
  hosts: Host[];
  vips: Vip[];
  pools: LbPool[];
  services: Service[];
  flows: Flow[];
  storage: { pool: string; layout: PoolLayout; sync: SyncOverlay; nfs: boolean; host: string };
  ups?: { model?: string; driver: string; host: string };
  production: {
    controlPlanes: string[];
    workers: string[];
    version: string;
    vip?: string;
    /** Pod and service CIDRs inside the cluster; never overlapping the site's supernet. */
    podSubnet: string;
    serviceSubnet: string;
  };
  devops: {
    servers: string[];
    agents: string[];
    version: string;
    vip?: string;
    pool?: string;
    podSubnet: string;
    serviceSubnet: string;
  };
  ai: {
    nodes: AiNode[];
    gatewayPort: number;
    gatewayHost?: string;
    tailnet?: string;
    tailscale: Tailscale;
    /** Which gateway fronts the mesh. */
    gateway: 'beelab' | 'litellm';
    /** The gateway's API keys: the ones Beelab makes for the site's consumers, then beelab.yaml ai.keys. */
    keys: GatewayKey[];
  };
  backup: {
    primary?: string;
    mirror?: string;
    retention: { daily: number; weekly: number; monthly: number; yearly: number };
    schedule: string;
    clonezilla: boolean;
    /** systemd calendar event of the primary's Clonezilla clone (backup/clonezilla/beelab-clonezilla.timer). */
    cloneSchedule: string;
  };
  observability: {
    alerts: AlertChannel[];
    /** The mail relay of e-mail channels; absent: the monitor's own MTA on localhost:25. */
    smtp?: { smarthost: string; from: string; username?: string };
    /** The repository's web address for files (observability.runbooks): alerts' runbook_url links under it. */
    runbooks?: string;
    securityNode?: string;
    honeypot?: string;
    monitor: string;
  };
  watchdogs: Watchdog[];
  /** The rack map; contributed by the physical layer. */
  rack: Rack;
  /** Every pinned version (versions.yaml over Beelab's defaults); layers read versions only from here. */
  versions: Versions;
}
