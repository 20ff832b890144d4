// Which hosts of the Site the lab can boot as machines, and for every other host what it is and why it stays a stub.
import { UserError } from '../../errors.ts';
import type { Host, Site } from '../../site/types.ts';

/** A host the lab keeps as addresses and listeners in its VLAN namespace, with the reason. */
export interface Stub {
  host: string;
  /** What the host is, e.g. `Proxmox VE (physical)`. */
  what: string;
  why: string;
}

const OS_NAMES: Record<Host['os'], string> = {
  'proxmox-ve': 'Proxmox VE',
  'proxmox-backup': 'Proxmox Backup Server',
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  talos: 'Talos Linux',
  macos: 'macOS',
  'raspberry-pi-os': 'Raspberry Pi OS',
  opnsense: 'OPNsense',
  pfsense: 'pfSense',
  vyos: 'VyOS',
  other: 'a device of yours',
};

const WHY_NOT: Partial<Record<Host['os'], string>> = {
  'proxmox-ve': 'a hypervisor with its own kernel modules and cluster stack; a container cannot host VMs',
  'proxmox-backup': "Proxmox's own packages and datastore need the real product",
  ubuntu: "the lab's machines are booted from one Debian root; an Ubuntu VM stays a stub",
  talos: 'Talos is an immutable OS driven by its API, with no systemd or SSH to boot in a container',
  macos: 'macOS does not run in a Linux container',
  'raspberry-pi-os': 'an ARM board with GPIO and relays; the watchdog is tested on its own',
  opnsense: 'a FreeBSD appliance; the lab router runs the policy as the Linux backend',
  pfsense: 'a FreeBSD appliance; the lab router runs the policy as the Linux backend',
  vyos: 'a router appliance; the lab router runs the policy as the Linux backend',
  other: 'a device Beelab does not manage; the lab answers on its address',
};

/** Why the lab cannot boot this host as a Debian machine, or undefined when it can. */
export function notEmulable(site: Site, h: Host): string | undefined {
  if (h.name === site.firewall.host)
    return "the firewall: the lab's router namespace runs its ruleset and dnsmasq";
  if (h.os !== 'debian') return WHY_NOT[h.os] ?? `${OS_NAMES[h.os]} is not Debian`;
  if (h.roles.includes('smart_plug')) return 'a smart plug: an HTTP relay, not a computer';
  if (h.roles.includes('pikvm')) return 'a PiKVM appliance (its own OS image)';
  if (h.kind !== 'vm' && h.kind !== 'physical') return `a ${h.kind}, not a Debian server`;
  return undefined;
}

export function describeHost(h: Host): string {
  return `${OS_NAMES[h.os]} (${h.kind})`;
}

/** `--machines` as given: absent (no machines), `all`, or a list of host names. */
export type MachineRequest = undefined | 'all' | string[];

/** Parses the option value: `true` (flag alone) or `all` → all, `a,b` → names. */
export function parseMachineRequest(value: string | boolean | undefined): MachineRequest {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === 'all') return 'all';
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UserError('--machines: expected all or a comma-separated list of hosts');
  return names;
}

export interface MachineSelection {
  /** Hosts booted as machines, in Site order. */
  machines: Host[];
  /** Every other host that sits in the lab (not the firewall), with why it is a stub. */
  stubs: Stub[];
}

/**
 * The machines of a lab run. A host named in the request that does not exist or cannot be emulated is a user
 * error naming every such host at once.
 */
export function selectMachines(site: Site, request: MachineRequest): MachineSelection {
  const wanted = request === undefined ? new Set<string>() : request === 'all' ? undefined : new Set(request);
  if (wanted) {
    const problems: string[] = [];
    for (const name of wanted) {
      const h = site.hosts.find((x) => x.name === name);
      if (!h) {
        const near = site.hosts.filter((x) => !notEmulable(site, x)).map((x) => x.name);
        problems.push(`  ${name}: no such host in ${site.name} (Debian hosts: ${near.join(', ') || 'none'})`);
        continue;
      }
      const why = notEmulable(site, h);
      if (why) problems.push(`  ${name}: ${describeHost(h)} cannot run as a lab machine: ${why}`);
    }
    if (problems.length > 0) throw new UserError('--machines names hosts the lab cannot boot', problems);
  }
  const machines: Host[] = [];
  const stubs: Stub[] = [];
  for (const h of site.hosts) {
    if (h.name === site.firewall.host) continue;
    const why = notEmulable(site, h);
    if (!why && (wanted === undefined || wanted.has(h.name))) machines.push(h);
    else stubs.push({ host: h.name, what: describeHost(h), why: why ?? 'not requested with --machines' });
  }
  return { machines, stubs };
}
