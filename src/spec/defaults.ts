// Every scalar default of beelab.yaml in one place: the schema's descriptions and the layers both read these,
// so the documented default and the applied one cannot drift. List-valued defaults come from the tiers.
export const DEFAULTS = {
  tier: 'reference',
  timezone: 'UTC',
  supernet: '10.20.0.0/16',
  firewall: { platform: 'opnsense', name: 'fw', wan: 'igc0', trunk: 'igc1' },
  storage: { pool: 'tank', layout: 'mirror', sync: 'none', nfs: true },
  upsDriver: 'usbhid-ups',
  /**
   * memoryOvercommit: how far VM memory on a Proxmox VE node may exceed what the node has for VMs (1 = not at all).
   * reservedGb is no spec field: the memory every node keeps for Proxmox VE itself and the ZFS ARC.
   */
  compute: { memoryOvercommit: 1, reservedGb: 8 },
  /** Pod and service subnets: Talos's and k3s's own defaults. */
  production: { memoryGb: 8, podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12' },
  devops: { memoryGb: 8, podSubnet: '10.42.0.0/16', serviceSubnet: '10.43.0.0/16' },
  appPlacement: 'compose',
  /** adminPort: the gateway's admin listener (/metrics, /status), reachable from management and Prometheus only. */
  ai: {
    gatewayPort: 4000,
    adminPort: 4001,
    backend: 'ollama',
    gateway: 'beelab',
    tailnetClients: ['autogroup:member', 'tag:gateway-client'],
  },
  backup: {
    retention: { daily: 7, weekly: 4, monthly: 6, yearly: 0 },
    /** systemd calendar event. */
    schedule: '*-*-* 02:00',
    clonezilla: true,
    /** systemd calendar event of the primary's Clonezilla clone: the first Sunday of the month. */
    cloneSchedule: 'Sun *-*-01..07 04:00',
  },
  watchdog: { hardware: 'pi4', gpioPin: 17 },
  /** The least severe alerts an alert channel gets: warning means every alert. */
  alertSeverity: 'warning',
} as const;
