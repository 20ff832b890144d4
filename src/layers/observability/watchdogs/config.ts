// Each Pi's watchdog.yaml from the Site: its targets with probes from the catalog, thresholds by host kind,
// the relay of each target (GPIO line, plug channel, PiKVM) and references for its own link.
import type { Host, Service, Site, Watchdog } from '../../../site/types.ts';
import { DEFAULTS } from '../../../spec/defaults.ts';
import type { WatchdogConfigInput } from '../../../watchdog/config-schema.ts';
import { WATCHDOG_METRICS_PORT } from '../site.ts';

type TargetInput = WatchdogConfigInput['targets'][number];
type PowerInput = NonNullable<TargetInput['power']>;

/** Where the watchdog's files live on the Pi (the paths `beelab watchdog --print-unit` assumes). */
export const PI_PATHS = {
  config: '/etc/beelab-watchdog/watchdog.yaml',
  bundle: '/opt/beelab-watchdog/beelab-watchdog.mjs',
  /** The command relay's program: the operator's own (ipmitool, a PDU's CLI); the role checks it exists. */
  powerCommand: '/etc/beelab-watchdog/power-cycle',
  gpioChip: 'gpiochip0',
} as const;

/** Thresholds by what a target is: a Proxmox node imports its pool and starts its VMs before it answers. */
export interface KindPolicy {
  what: string;
  bootGrace: string;
  hold: string;
}

export function kindPolicy(host: Host): KindPolicy {
  if (host.roles.includes('pve')) return { what: 'Proxmox VE node', bootGrace: '10m', hold: '15s' };
  if (host.roles.includes('pbs')) return { what: 'Proxmox Backup Server', bootGrace: '10m', hold: '15s' };
  if (host.roles.includes('firewall')) return { what: 'firewall', bootGrace: '5m', hold: '10s' };
  if (host.roles.includes('security_node')) return { what: 'security node', bootGrace: '5m', hold: '10s' };
  if (host.kind === 'mac') return { what: 'Mac', bootGrace: '5m', hold: '10s' };
  if (host.kind === 'pi') return { what: 'Raspberry Pi', bootGrace: '3m', hold: '5s' };
  return { what: 'machine', bootGrace: '5m', hold: '10s' };
}

/** The Pi's config path in the generated repository; the role copies it to PI_PATHS.config. */
export function watchdogConfigPath(pi: string): string {
  return `watchdog/${pi}.yaml`;
}

/** Health ports of the catalog's services on a host (tcp), in catalog order, at most `max`. */
function healthPorts(site: Site, host: Host, max: number): { port: number; service: Service }[] {
  const out: { port: number; service: Service }[] = [];
  for (const s of site.services) {
    if (!s.health || !s.hosts.includes(host.name)) continue;
    const p = s.ports.find((x) => x.name === s.health!.port);
    if (p?.protocol !== 'tcp' || out.some((o) => o.port === p.port)) continue;
    out.push({ port: p.port, service: s });
    if (out.length === max) break;
  }
  return out;
}

/**
 * Ping plus the host's first health port from the catalog (ssh when it has none), healthy when any answers:
 * a machine that still pings or serves is not hung, and cutting its power would do more harm than good.
 */
export function targetProbes(site: Site, host: Host): TargetInput['probes'] {
  const ports = healthPorts(site, host, 1).map((p) => p.port);
  if (ports.length === 0 && host.kind !== 'mac') ports.push(22);
  return [
    { kind: 'icmp', host: host.address },
    ...ports.map((port) => ({ kind: 'tcp' as const, port, host: host.address })),
  ];
}

/** The relay device's base URL: a host of the site by name, or the address written in beelab.yaml. */
function relayUrl(site: Site, wd: Watchdog, scheme: 'http' | 'https'): string {
  const name = wd.relayHost ?? '';
  const address = site.hosts.find((h) => h.name === name)?.address ?? name;
  return `${scheme}://${address}`;
}

/**
 * How the i-th target's power is cut: GPIO line `gpioPin + i` (one relay channel per target), plug channel
 * `i` of a multi-channel plug (Shelly Pro 4PM, a Tasmota power strip), the PiKVM's ATX reset, or the
 * operator's command with the target's name.
 */
export function targetPower(site: Site, wd: Watchdog, index: number, host: Host): PowerInput {
  const hold = kindPolicy(host).hold;
  switch (wd.relay) {
    case 'gpio':
      return {
        type: 'gpio',
        chip: PI_PATHS.gpioChip,
        line: (wd.gpioPin ?? DEFAULTS.watchdog.gpioPin) + index,
        hold,
      };
    case 'shelly-gen1':
      return { type: 'shelly-gen1', url: relayUrl(site, wd, 'http'), channel: index, hold };
    case 'shelly-gen2':
      return { type: 'shelly-gen2', url: relayUrl(site, wd, 'http'), id: index, hold };
    case 'tasmota':
      return { type: 'tasmota', url: relayUrl(site, wd, 'http'), relay: index + 1, hold };
    case 'pikvm':
      return { type: 'pikvm', url: relayUrl(site, wd, 'https'), mode: 'reset', hold };
    case 'command':
      return { type: 'command', argv: [PI_PATHS.powerCommand, host.name] };
  }
}

/**
 * What tells the Pi its own link is up: the gateway, unless the Pi watches the firewall (then the gateway is
 * the patient), and machines on its own VLAN it does not watch (the relay device, the other Pis), reached
 * without the firewall.
 */
export function selfCheckHosts(site: Site, pi: Host, wd: Watchdog): string[] {
  const vlan = site.vlans.find((v) => v.name === pi.vlan);
  const watched = new Set(wd.targets);
  const out: string[] = [];
  if (vlan && !watched.has(site.firewall.host)) out.push(vlan.gateway);
  const relay = site.hosts.find((h) => h.name === wd.relayHost);
  const peers = site.hosts.filter((h) => h.roles.includes('watchdog') && h.name !== pi.name);
  for (const h of [...(relay ? [relay] : []), ...peers]) {
    if (h.vlan === pi.vlan && !watched.has(h.name) && !out.includes(h.address)) out.push(h.address);
    if (out.length === 2) break;
  }
  if (out.length === 0 && vlan) out.push(vlan.gateway);
  return out;
}

/** The alert channels the watchdog can send to itself; e-mail goes through Alertmanager's alert on its metrics. */
function alerts(site: Site): WatchdogConfigInput['alerts'] {
  return site.observability.alerts.flatMap((a): NonNullable<WatchdogConfigInput['alerts']> => {
    if (a.type === 'ntfy') return [{ type: 'ntfy' as const, url: a.target }];
    if (a.type === 'webhook') return [{ type: 'webhook' as const, url: a.target }];
    return [];
  });
}

/** The watchdog.yaml of one Pi. */
export function watchdogConfig(site: Site, wd: Watchdog): WatchdogConfigInput {
  const byName = new Map(site.hosts.map((h) => [h.name, h]));
  const pi = byName.get(wd.host);
  if (!pi) throw new Error(`watchdogConfig: ${wd.host} is not a host of the site`);
  const targets = wd.targets.flatMap((name, i): TargetInput[] => {
    const host = byName.get(name);
    if (!host) return [];
    const policy = kindPolicy(host);
    return [
      {
        name,
        probes: targetProbes(site, host),
        healthyWhen: 'any',
        power: targetPower(site, wd, i, host),
        bootGrace: policy.bootGrace,
      },
    ];
  });
  return {
    stateFile: '/var/lib/beelab-watchdog/state.json',
    selfCheck: {
      probes: selfCheckHosts(site, pi, wd).map((host) => ({ kind: 'icmp', host })),
      timeout: '3s',
    },
    maintenance: { flagFile: '/etc/beelab-watchdog/maintenance', windows: [] },
    alerts: alerts(site),
    metrics: { listen: `0.0.0.0:${WATCHDOG_METRICS_PORT}` },
    defaults: {
      interval: '15s',
      timeout: '5s',
      failAfter: 4,
      recoverAfter: 3,
      restartGrace: '2m',
      backoff: { initial: '10m', factor: 2, max: '2h' },
      maxCycles: 3,
      window: '24h',
    },
    targets,
  };
}
