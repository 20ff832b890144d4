// The lab's topology as data: namespaces, links, addresses and routes, planned from the Site without touching the system.
import type { LinuxRouter } from '../layers/network/linux/render.ts';
import { inCidr, ipToInt as ipv4Number } from '../net/ipam.ts';
import type { Host, Site } from '../site/types.ts';
import { type LabMachine, machineBatches, planMachines } from './machines/plan.ts';
import { LAB_WAN, type LabNames, labNames } from './names.ts';

/**
 * How VLANs reach the router. `veth`: one veth per VLAN, named like the router's VLAN interface (for kernels
 * without 802.1Q, like this one). `trunk`: one veth named like the trunk NIC with 802.1Q subinterfaces on both
 * ends, exactly as on the real router.
 */
export type LinkMode = 'veth' | 'trunk';

/** One VLAN of the lab: its client namespace and every address that lives there. */
export interface LabVlan {
  zone: string;
  tag: number;
  cidr: string;
  prefix: number;
  gateway: string;
  netns: string;
  /**
   * Hosts and VIPs of the Site on this VLAN, by address. `machine`: the namespace of the lab machine that
   * holds the address instead of this VLAN's namespace (so it is not answered twice).
   */
  members: { address: string; name: string; kind: 'host' | 'vip' | 'probe'; machine?: string }[];
  /** An address no host of the Site uses: "any other device on this VLAN". */
  probeAddress: string;
}

/** A DHCP client the lab runs, on its own interface in the dhcp namespace. */
export interface DhcpProbe {
  zone: string;
  iface: string;
  mac: string;
  expect: { kind: 'pool'; range: [string, string] } | { kind: 'fixed'; host: string; address: string };
  gateway: string;
}

/** `ip -batch` lines to run in one namespace. */
export interface Batch {
  netns: string;
  lines: string[];
}

export interface LabPlan {
  id: string;
  mode: LinkMode;
  names: LabNames;
  /** Every namespace of the run, router first. */
  namespaces: string[];
  /** Phase 1: links, created from one namespace with the peer placed straight into another. */
  links: Batch[];
  /** Phase 2: addresses, routes, bridges, up. */
  config: Batch[];
  vlans: LabVlan[];
  dhcp: DhcpProbe[];
  /** Debian hosts booted as containers (`lab up --machines`); empty otherwise. */
  machines: LabMachine[];
}

/** The highest address of the VLAN's static range that nothing in the Site uses. */
function freeAddress(site: Site, v: Site['vlans'][number], used: Set<string>): string {
  const lo = ipv4Number(v.staticRange[0]);
  for (let n = ipv4Number(v.staticRange[1]); n >= lo; n--) {
    const a = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    if (!used.has(a)) return a;
  }
  throw new Error(`lab: VLAN ${v.name} of ${site.name} has no free static address for a probe`);
}

function macFor(tag: number, n: number): string {
  const hex = (x: number) => x.toString(16).padStart(2, '0');
  return `02:be:e1:${hex(tag >> 8)}:${hex(tag & 255)}:${hex(n)}`;
}

function vlansOf(site: Site, names: LabNames): LabVlan[] {
  const used = new Set<string>([
    ...site.hosts.map((h) => h.address),
    ...site.vips.map((v) => v.address),
    ...site.vlans.map((v) => v.gateway),
  ]);
  return site.vlans.map((v) => {
    const members: LabVlan['members'] = [];
    for (const h of site.hosts) {
      if (h.vlan !== v.name || h.name === site.firewall.host || h.address === v.gateway) continue;
      if (!inCidr(h.address, v.cidr))
        throw new Error(`lab: host ${h.name} ${h.address} is outside ${v.cidr}`);
      members.push({ address: h.address, name: h.name, kind: 'host' });
    }
    for (const vip of site.vips) {
      if (vip.vlan === v.name) members.push({ address: vip.address, name: vip.name, kind: 'vip' });
    }
    const probeAddress = freeAddress(site, v, used);
    members.push({ address: probeAddress, name: `probe-${v.name}`, kind: 'probe' });
    const seen = new Set<string>();
    const unique = members.filter((m) => !seen.has(m.address) && seen.add(m.address));
    return {
      zone: v.name,
      tag: v.id,
      cidr: v.cidr,
      prefix: v.prefix,
      gateway: v.gateway,
      netns: names.vlan(v.id),
      members: unique,
      probeAddress,
    };
  });
}

/**
 * Plans a lab for the Site whose router files are `router` (rendered for the Site's own NIC names), with
 * `machineHosts` (selected by machines/select.ts) booted as containers in namespaces of their own.
 */
export function planLab(
  site: Site,
  router: LinuxRouter,
  id: string,
  mode: LinkMode,
  machineHosts: Host[] = [],
): LabPlan {
  const names = labNames(id);
  const vlans = vlansOf(site, names);
  const machines = planMachines(site, vlans, names, machineHosts);
  const machineOf = new Map(machines.map((m) => [m.address, m.netns]));
  for (const v of vlans)
    for (const m of v.members) if (machineOf.has(m.address)) m.machine = machineOf.get(m.address);
  const { wan, trunk } = router.ifs;
  const ifOf = (zone: string) => router.ifs.vlans.get(zone)!;

  const routerLinks: string[] = [`link add name ${wan} type veth peer name isp0 netns ${names.inet}`];
  const routerConf: string[] = ['link set lo up', `link set ${wan} up`];
  const switchLinks: string[] = [];
  const switchConf: string[] = ['link set lo up'];
  if (mode === 'trunk') {
    routerLinks.push(`link add name ${trunk} type veth peer name trunk netns ${names.switch}`);
    routerConf.push(`link set ${trunk} up`);
    switchConf.push('link set trunk up');
  }
  const dhcp: DhcpProbe[] = [];
  const dhcpConf: string[] = ['link set lo up'];
  const perVlan: Batch[] = [];
  for (const v of vlans) {
    const ifname = ifOf(v.zone);
    const br = `br${v.tag}`;
    switchLinks.push(`link add name ${br} type bridge`);
    if (mode === 'veth') {
      routerLinks.push(`link add name ${ifname} type veth peer name r${v.tag} netns ${names.switch}`);
      switchConf.push(`link set r${v.tag} master ${br}`, `link set r${v.tag} up`);
    } else {
      routerLinks.push(`link add link ${trunk} name ${ifname} type vlan id ${v.tag}`);
      switchLinks.push(`link add link trunk name t${v.tag} type vlan id ${v.tag}`);
      switchConf.push(`link set t${v.tag} master ${br}`, `link set t${v.tag} up`);
    }
    routerConf.push(`addr add ${v.gateway}/${v.prefix} dev ${ifname}`, `link set ${ifname} up`);
    switchLinks.push(`link add name h${v.tag} type veth peer name eth0 netns ${v.netns}`);
    switchConf.push(`link set h${v.tag} master ${br}`, `link set h${v.tag} up`, `link set ${br} up`);
    perVlan.push({
      netns: v.netns,
      lines: [
        'link set lo up',
        ...v.members.filter((m) => !m.machine).map((m) => `addr add ${m.address}/${v.prefix} dev eth0`),
        'link set eth0 up',
        `route add default via ${v.gateway}`,
      ],
    });
  }
  const attach = (
    zone: string,
    tag: number,
    iface: string,
    mac: string,
    expect: DhcpProbe['expect'],
    gw: string,
  ) => {
    switchLinks.push(`link add name s${iface} type veth peer name ${iface} netns ${names.dhcp}`);
    switchConf.push(`link set s${iface} master br${tag}`, `link set s${iface} up`);
    dhcpConf.push(`link set ${iface} address ${mac}`, `link set ${iface} up`);
    dhcp.push({ zone, iface, mac, expect, gateway: gw });
  };
  let fixed = 0;
  for (const scope of router.addressing.scopes) {
    attach(
      scope.zone,
      scope.tag,
      `dyn${scope.tag}`,
      macFor(scope.tag, 1),
      { kind: 'pool', range: scope.range },
      scope.gateway,
    );
  }
  for (const m of router.addressing.mappings) {
    const scope = router.addressing.scopes.find((s) => s.zone === m.zone)!;
    fixed += 1;
    attach(
      m.zone,
      scope.tag,
      `fix${fixed}`,
      m.mac,
      { kind: 'fixed', host: m.host, address: m.address },
      scope.gateway,
    );
  }
  routerConf.push(
    `addr add ${LAB_WAN.router}/${LAB_WAN.prefix} dev ${wan}`,
    `route add default via ${LAB_WAN.isp}`,
  );
  // The stand-in internet routes private space back to the router, so unsolicited inbound is tried for real.
  const inetConf = [
    'link set lo up',
    `addr add ${LAB_WAN.isp}/${LAB_WAN.prefix} dev isp0`,
    `addr add ${LAB_WAN.server}/32 dev isp0`,
    'link set isp0 up',
    ...router.policy.zones.filter((z) => z.cidr).map((z) => `route add ${z.cidr} via ${LAB_WAN.router}`),
  ];
  const mach = machineBatches(machines);
  switchLinks.push(...mach.switchLinks);
  switchConf.push(...mach.switchConf);
  const namespaces = [
    names.router,
    names.switch,
    names.inet,
    names.dhcp,
    ...vlans.map((v) => v.netns),
    ...machines.map((m) => m.netns),
  ];
  return {
    id,
    mode,
    names,
    namespaces,
    links: [
      { netns: names.router, lines: routerLinks },
      { netns: names.switch, lines: switchLinks },
    ],
    config: [
      { netns: names.router, lines: routerConf },
      { netns: names.switch, lines: switchConf },
      { netns: names.inet, lines: inetConf },
      { netns: names.dhcp, lines: dhcpConf },
      ...perVlan,
      ...mach.config,
    ],
    vlans,
    dhcp,
    machines,
  };
}
