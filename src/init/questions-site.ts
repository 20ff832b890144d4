// The first init questions: tier, site, network, the primary node's hardware, nodes and storage.
import { DEFAULTS } from '../spec/defaults.ts';
import {
  checkDnsName,
  checkDomain,
  checkDriveId,
  checkFirewallNic,
  checkLayoutDrives,
  checkNic,
  checkSupernet,
  FIREWALL_NICS,
} from '../spec/fields.ts';
import { FIREWALL_PLATFORMS, POOL_LAYOUTS, SYNC_OVERLAYS, TIERS } from '../spec/schema.ts';
import { setSupernet } from './derive-network.ts';
import { drivesOf, primaryNode, setComputeNodes, setPrimaryDrives, setPrimaryNic } from './derive-nodes.ts';
import { type AnyQuestion, named, question, setKey } from './question.ts';

const TIER_HELP = {
  single: 'one Proxmox VE node, Linux firewall, two VLANs, single-node clusters, no AI mesh',
  compact: 'three PVE nodes, OPNsense, PBS as a VM, one AI node, no security node',
  reference: 'three PVE nodes, OPNsense, PBS + mirror, security node, four AI nodes: the reference build',
};

const splitList = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The first value listed twice, if any. */
export function duplicate(values: readonly string[]): string | undefined {
  return values.find((v, i) => values.indexOf(v) !== i);
}

/** Site, network, the primary node's hardware and storage: tier first, every other default comes from it. */
export const SITE_QUESTIONS: AnyQuestion[] = [
  question({
    id: 'tier',
    prompt: 'Tier',
    help: 'The size class; every other default below comes from it.',
    kind: 'select',
    choices: () => TIERS.map((t) => ({ value: t, name: t, description: TIER_HELP[t] })),
    fromSpec: (s) => s.tier ?? 'reference',
  }),
  question({
    id: 'siteName',
    prompt: 'Site name',
    help: 'A short DNS-safe name for this lab; it names the generated repository and the Tailscale tags.',
    kind: 'input',
    fromSpec: (s) => s.site.name,
    validate: checkDnsName,
    apply: setKey('site', 'name'),
  }),
  question({
    id: 'domain',
    prompt: 'Domain',
    help: 'Every host and app gets a name under it, e.g. photos.<domain>. A subdomain of a domain you own works best.',
    kind: 'input',
    fromSpec: (s) => s.site.domain,
    validate: checkDomain,
    apply: setKey('site', 'domain'),
  }),
  question({
    id: 'supernet',
    prompt: 'IP range (supernet)',
    help: 'A private range, /22 or larger (a /16 is typical), that every VLAN is carved from. Pick one your home or VPN networks do not use.',
    kind: 'input',
    fromSpec: (s) => s.network?.supernet ?? DEFAULTS.supernet,
    validate: checkSupernet,
    apply: setSupernet,
  }),
  question({
    id: 'firewall',
    prompt: 'Firewall platform',
    help: 'OPNsense is the reference; the policy compiles to every platform. linux = nftables + dnsmasq on a Debian box.',
    kind: 'select',
    choices: named(FIREWALL_PLATFORMS),
    fromSpec: (s) => s.network?.firewall?.platform ?? 'opnsense',
    apply: (s, v) => {
      s.network ??= {};
      const fw = { ...s.network.firewall, platform: v };
      // NIC names follow the platform's naming (igc0 on OPNsense, eth0 on VyOS): keep the ones that fit it.
      for (const key of ['wan', 'trunk'] as const) {
        const name = fw[key];
        if (name !== undefined && checkFirewallNic(v, name)) fw[key] = FIREWALL_NICS[v][key];
      }
      s.network.firewall = fw;
    },
  }),
  question({
    id: 'primaryNic',
    prompt: 'Primary node NIC',
    help: 'The interface of the first Proxmox VE node that carries the VLAN trunk (see `ip link` on it).',
    kind: 'input',
    fromSpec: (s) => primaryNode(structuredClone(s)).nic?.name ?? 'enp2s0f0np0',
    validate: checkNic,
    apply: setPrimaryNic,
  }),
  question({
    id: 'systemDrive',
    prompt: 'Primary node system drive',
    help: 'The drive Proxmox VE is installed on, as /dev/disk/by-id/... (see `ls -l /dev/disk/by-id`), so a re-cabled disk keeps its role.',
    kind: 'input',
    fromSpec: (s) => drivesOf(primaryNode(structuredClone(s)), 'system')[0]?.id ?? '',
    validate: (v, a) =>
      checkDriveId(v) ?? (a.poolDrives.includes(v) ? `${v} is also listed as a pool drive` : undefined),
    apply: (s, v) => setPrimaryDrives(s, 'system', [v]),
  }),
  question({
    id: 'poolDrives',
    prompt: 'Primary node pool drives (comma-separated)',
    help: 'The drives of the ZFS storage pool, as /dev/disk/by-id/... paths separated by commas.',
    kind: 'input',
    parse: (text) => ({ value: splitList(text) }),
    format: (v) => v.join(', '),
    fromSpec: (s) => drivesOf(primaryNode(structuredClone(s)), 'pool').map((d) => d.id),
    validate: (v) => {
      if (v.length === 0) return 'list at least one pool drive';
      const dup = duplicate(v);
      return v.map(checkDriveId).find(Boolean) ?? (dup ? `${dup} is listed twice` : undefined);
    },
    apply: (s, v) => setPrimaryDrives(s, 'pool', v),
  }),
  question({
    id: 'computeNodes',
    prompt: 'Compute nodes besides the primary',
    help: 'More Proxmox VE nodes, named pve2, pve3, ...; their drive ids start as placeholders derived from the primary’s. Two PVE nodes need a QDevice for quorum, so 0 or 2+ is usual.',
    kind: 'number',
    min: 0,
    max: 31,
    fromSpec: (s) => (s.nodes ?? []).filter((n) => n.role === 'compute').length,
    apply: (s, v) => {
      setComputeNodes(s, v);
    },
  }),
  question({
    id: 'storageLayout',
    prompt: 'Storage pool layout',
    help: 'ZFS layout of the pool drives: mirror (pairs), raidz1 (3+), raidz2 (4+), single or stripe (no redundancy).',
    kind: 'select',
    choices: named(POOL_LAYOUTS),
    fromSpec: (s) => s.storage?.layout ?? 'mirror',
    validate: (v, a) => checkLayoutDrives(v, a.poolDrives.length),
    apply: setKey('storage', 'layout'),
  }),
  question({
    id: 'fileSync',
    prompt: 'File sync on the pool',
    help: 'A sync service (desktop and phone clients) on top of the storage pool, or none.',
    kind: 'select',
    choices: named(SYNC_OVERLAYS),
    fromSpec: (s) => s.storage?.sync ?? 'none',
    apply: setKey('storage', 'sync'),
  }),
];
