// The questions of `beelab init`, in the order they are asked; tier first, because every other default comes from it.
import { APP_CATALOG } from '../catalog/apps.ts';
import { FIREWALL_PLATFORMS, POOL_LAYOUTS, SYNC_OVERLAYS, TIERS } from '../spec/schema.ts';
import { formatAlert, parseAlert } from './alert-target.ts';
import { setAiNodes } from './derive-ai.ts';
import { backupHosts, setBackup } from './derive-backup.ts';
import { setSupernet } from './derive-network.ts';
import { drivesOf, primaryNode, setComputeNodes, setPrimaryDrives, setPrimaryNic } from './derive-nodes.ts';
import { type AnyQuestion, question } from './question.ts';
import {
  checkDnsName,
  checkDomain,
  checkDriveId,
  checkLayoutDrives,
  checkNic,
  checkPrivateCidr,
  checkSshKey,
} from './validate.ts';

/** Sync overlays are catalog apps too, but they are chosen with fileSync, not in the app list. */
const SYNC_APPS = new Set<string>(SYNC_OVERLAYS);
const APP_CHOICES = APP_CATALOG.filter((a) => !SYNC_APPS.has(a.name));

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

function duplicate(values: readonly string[]): string | undefined {
  return values.find((v, i) => values.indexOf(v) !== i);
}

export const QUESTIONS: AnyQuestion[] = [
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
    apply: (s, v) => {
      s.site.name = v;
    },
  }),
  question({
    id: 'domain',
    prompt: 'Domain',
    help: 'Every host and app gets a name under it, e.g. photos.<domain>. A subdomain of a domain you own works best.',
    kind: 'input',
    fromSpec: (s) => s.site.domain,
    validate: checkDomain,
    apply: (s, v) => {
      s.site.domain = v;
    },
  }),
  question({
    id: 'supernet',
    prompt: 'IP range (supernet)',
    help: 'A private range, /22 or larger (a /16 is typical), that every VLAN is carved from. Pick one your home or VPN networks do not use.',
    kind: 'input',
    fromSpec: (s) => s.network?.supernet ?? '10.20.0.0/16',
    validate: checkPrivateCidr,
    apply: setSupernet,
  }),
  question({
    id: 'firewall',
    prompt: 'Firewall platform',
    help: 'OPNsense is the reference; the policy compiles to every platform. linux = nftables + dnsmasq on a Debian box.',
    kind: 'select',
    choices: () => FIREWALL_PLATFORMS.map((p) => ({ value: p, name: p })),
    fromSpec: (s) => s.network?.firewall?.platform ?? 'opnsense',
    apply: (s, v) => {
      s.network ??= {};
      s.network.firewall = { ...s.network.firewall, platform: v };
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
    choices: () => POOL_LAYOUTS.map((l) => ({ value: l, name: l })),
    fromSpec: (s) => s.storage?.layout ?? 'mirror',
    validate: (v, a) => checkLayoutDrives(v, a.poolDrives.length),
    apply: (s, v) => {
      s.storage = { ...s.storage, layout: v };
    },
  }),
  question({
    id: 'fileSync',
    prompt: 'File sync on the pool',
    help: 'A sync service (desktop and phone clients) on top of the storage pool, or none.',
    kind: 'select',
    choices: () => SYNC_OVERLAYS.map((o) => ({ value: o, name: o })),
    fromSpec: (s) => s.storage?.sync ?? 'none',
    apply: (s, v) => {
      s.storage = { ...s.storage, sync: v };
    },
  }),
  question({
    id: 'controlPlanes',
    prompt: 'Production cluster: Talos control planes',
    help: '1 for a lab without failover, 3 to survive a node loss (etcd needs an odd number).',
    kind: 'select',
    choices: () => [
      { value: 1 as const, name: '1', description: 'no high availability' },
      { value: 3 as const, name: '3', description: 'survives one failure' },
      { value: 5 as const, name: '5', description: 'survives two failures' },
    ],
    fromSpec: (s) => {
      const n = s.production?.controlPlanes ?? 3;
      return n >= 5 ? 5 : n >= 3 ? 3 : 1;
    },
    apply: (s, v) => {
      s.production = { ...s.production, controlPlanes: v };
    },
  }),
  question({
    id: 'workers',
    prompt: 'Production cluster: Talos workers',
    help: 'Worker VMs for production workloads; 0 lets the control planes run them.',
    kind: 'number',
    min: 0,
    max: 64,
    fromSpec: (s) => s.production?.workers ?? 0,
    apply: (s, v) => {
      s.production = { ...s.production, workers: v };
    },
  }),
  question({
    id: 'devopsWorkers',
    prompt: 'DevOps cluster: k3s workers',
    help: 'k3s agents next to the one server; CI runners and build jobs run here.',
    kind: 'number',
    min: 0,
    max: 32,
    fromSpec: (s) => s.devops?.agents ?? 0,
    apply: (s, v) => {
      s.devops = { ...s.devops, agents: v };
    },
  }),
  question({
    id: 'apps',
    prompt: 'Apps',
    help: 'Each app gets its DNS name, reverse-proxy route, firewall flows, backups, probes and alerts from the catalog.',
    kind: 'checkbox',
    choices: () => APP_CHOICES.map((a) => ({ value: a.name, name: a.name, description: a.description })),
    fromSpec: (s) => (s.apps ?? []).map((a) => (typeof a === 'string' ? a : a.name)),
    validate: (v) => {
      const bad = v.find((n) => !APP_CHOICES.some((a) => a.name === n));
      if (bad && SYNC_APPS.has(bad))
        return `${bad} is a file sync overlay: choose it as fileSync, not as an app`;
      if (bad) return `${bad} is not in the app catalog (${APP_CHOICES.map((a) => a.name).join(', ')})`;
      const dup = duplicate(v);
      return dup ? `${dup} is listed twice` : undefined;
    },
    apply: (s, v) => {
      const mine = new Map((s.apps ?? []).map((a) => [typeof a === 'string' ? a : a.name, a]));
      s.apps = v.map((name) => mine.get(name) ?? name);
    },
  }),
  question({
    id: 'aiNodes',
    prompt: 'AI mesh nodes',
    help: 'Machines serving models behind the OpenAI-compatible gateway: the first is the head, the second a secondary, the rest agents. 0 = no AI mesh.',
    kind: 'number',
    min: 0,
    max: 16,
    fromSpec: (s) => s.ai?.nodes?.length ?? 0,
    apply: setAiNodes,
  }),
  question({
    id: 'backup',
    prompt: 'Proxmox Backup Server',
    help: 'On its own machine (pbs1) so backups survive the cluster, or as a VM on the cluster to save hardware.',
    kind: 'select',
    choices: () => [
      { value: 'node' as const, name: 'node', description: 'a dedicated backup machine' },
      { value: 'vm' as const, name: 'vm', description: 'a VM on the Proxmox VE cluster' },
    ],
    fromSpec: (s) => (backupHosts(s).primary ? 'node' : 'vm'),
    apply: (s, v, a) => {
      setBackup(s, v, a.backupMirror);
    },
  }),
  question({
    id: 'backupMirror',
    prompt: 'Mirror backups to a second PBS machine?',
    help: 'A second Proxmox Backup Server (pbs2) pulls a copy of every backup, ideally in another room or house.',
    kind: 'confirm',
    fromSpec: (s) => backupHosts(s).mirror !== undefined,
    // The mirror pulls from a PBS machine; a PBS VM has none to pull from (the resolver adds the VM only
    // when the site has no backup machine at all).
    when: (a) => a.backup === 'node',
    ifSkipped: false,
    validate: (v, a) =>
      v && a.backup === 'vm'
        ? 'a mirror needs PBS on its own machine: answer backup: node, or no mirror'
        : undefined,
    // Applied by the backup question, which needs both answers to know which machines to keep.
  }),
  question({
    id: 'retention',
    prompt: 'Keep daily/weekly/monthly backups',
    help: 'How many of each to keep, e.g. 7/4/6 keeps a week of dailies, a month of weeklies and half a year of monthlies.',
    kind: 'input',
    parse: (text) => {
      const m = /^\s*(\d+)\s*[/, ]\s*(\d+)\s*[/, ]\s*(\d+)\s*$/.exec(text);
      if (!m) return { error: `"${text}" is not three numbers such as 7/4/6 (daily/weekly/monthly)` };
      return { value: { daily: Number(m[1]), weekly: Number(m[2]), monthly: Number(m[3]) } };
    },
    format: (v) => `${v.daily}/${v.weekly}/${v.monthly}`,
    fromSpec: (s) => {
      const r = s.backup?.retention;
      return { daily: r?.daily ?? 7, weekly: r?.weekly ?? 4, monthly: r?.monthly ?? 6 };
    },
    validate: (v) => (v.daily + v.weekly + v.monthly === 0 ? 'keep at least one backup' : undefined),
    apply: (s, v) => {
      s.backup = { ...s.backup, retention: { ...s.backup?.retention, ...v } };
    },
  }),
  question({
    id: 'alerts',
    prompt: 'Alert channel',
    help: 'Where Alertmanager sends alerts: an e-mail address, an ntfy topic URL, a webhook URL or a Matrix room (!id:server). Prefix with ntfy: for a self-hosted ntfy.',
    kind: 'input',
    fromSpec: (s) => {
      const first = s.observability?.alerts?.[0];
      return first ? formatAlert(first) : (s.site.admin?.email ?? '');
    },
    validate: (v) => {
      const parsed = parseAlert(v);
      return typeof parsed === 'string' ? parsed : undefined;
    },
    apply: (s, v) => {
      const channel = parseAlert(v);
      if (typeof channel === 'string') throw new Error(`unvalidated alert answer: ${channel}`);
      const rest = (s.observability?.alerts ?? []).slice(1);
      s.observability = { ...s.observability, alerts: [channel, ...rest] };
    },
  }),
  question({
    id: 'sshKey',
    prompt: 'Admin SSH public key',
    help: 'Installed on every host for the admin user; paste one line of ~/.ssh/id_ed25519.pub, or leave empty to add keys later.',
    kind: 'input',
    fromSpec: (s) => s.site.admin?.sshKeys?.[0] ?? '',
    validate: (v) => (v === '' ? undefined : checkSshKey(v)),
    apply: (s, v) => {
      const rest = (s.site.admin?.sshKeys ?? []).slice(1);
      s.site.admin = { ...s.site.admin, sshKeys: v === '' ? rest : [v.trim(), ...rest] };
    },
  }),
];
