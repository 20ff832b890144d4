// Where each lab machine lives: its own namespace on its VLAN's switch bridge, at the host's real address.
import type { Host, Site } from '../../site/types.ts';
import type { LabNames } from '../names.ts';
import type { Batch, LabVlan } from '../plan.ts';

/** One Debian host of the Site booted as a systemd-nspawn container. */
export interface LabMachine {
  host: string;
  fqdn: string;
  zone: string;
  tag: number;
  address: string;
  prefix: number;
  gateway: string;
  /** Its own network namespace, `bllab-<id>-m<n>`; the container runs in it. */
  netns: string;
  /** nspawn's --machine name (same as the namespace: unique per run and easy to find). */
  machine: string;
  /** Switch-side veth in the VLAN's bridge. */
  port: string;
  /** Locally administered MAC of its eth0 (not the host's own: DHCP probes use that one). */
  mac: string;
}

function macFor(n: number): string {
  return `02:be:e2:00:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
}

/** Machines for the given hosts (already selected), in Site order; each VLAN member they take is marked. */
export function planMachines(site: Site, vlans: LabVlan[], names: LabNames, hosts: Host[]): LabMachine[] {
  return hosts.map((h, i) => {
    const v = vlans.find((x) => x.zone === h.vlan);
    if (!v) throw new Error(`lab: machine ${h.name} is on VLAN ${h.vlan}, which the lab does not have`);
    const netns = names.machine(i + 1);
    return {
      host: h.name,
      fqdn: h.fqdn || `${h.name}.${site.domain}`,
      zone: v.zone,
      tag: v.tag,
      address: h.address,
      prefix: v.prefix,
      gateway: v.gateway,
      netns,
      machine: netns,
      port: `m${i + 1}`,
      mac: macFor(i + 1),
    };
  });
}

/** Links (created from the switch, peer straight into the machine's namespace) and the machine's addressing. */
export function machineBatches(machines: LabMachine[]): {
  switchLinks: string[];
  switchConf: string[];
  config: Batch[];
} {
  const switchLinks: string[] = [];
  const switchConf: string[] = [];
  const config: Batch[] = [];
  for (const m of machines) {
    switchLinks.push(`link add name ${m.port} type veth peer name eth0 netns ${m.netns}`);
    switchConf.push(`link set ${m.port} master br${m.tag}`, `link set ${m.port} up`);
    config.push({
      netns: m.netns,
      lines: [
        'link set lo up',
        `link set eth0 address ${m.mac}`,
        `addr add ${m.address}/${m.prefix} dev eth0`,
        'link set eth0 up',
        // The VLAN's gateway is the lab router, whose only way out is the lab's stand-in internet.
        `route add default via ${m.gateway}`,
      ],
    });
  }
  return { switchLinks, switchConf, config };
}
