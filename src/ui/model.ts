// What the dashboard shows, computed once from the Site, the rendered files, the plan and the journal: plain
// JSON the page renders. Pure; the server (./server.ts) serves it and adds live status.

import type { JournalRecord } from '../apply/journal.ts';
import { flowLines } from '../layers/devops/diagrams/network.ts';
import { networkModel } from '../layers/network/model.ts';
import { FIREWALL, INTERNET, type PolicyRule } from '../layers/network/policy/types.ts';
import {
  FAILURE_SCENARIOS,
  type FailureSlug,
  runbookPath,
} from '../layers/observability/failure-scenarios.ts';
import { roleText } from '../layers/physical/rack-docs.ts';
import { endpointCovers } from '../site/flows.ts';
import type { Endpoint, Host, HostRole, Site } from '../site/types.ts';
import type { FileTree } from '../tree/file-tree.ts';
import type { PlanEntry } from '../tree/write-plan.ts';

export interface HostDetail {
  name: string;
  fqdn: string;
  kind: Host['kind'];
  role: string;
  roles: string[];
  vlan: string;
  address: string;
  mac?: string;
  model?: string;
  vm?: { node: string; vmid: number; cores: number; memoryGb: number; diskGb: number };
  services: { name: string; ports: string; description: string; fqdn?: string }[];
  flowsIn: { service: string; from: string; ports: string }[];
  flowsOut: { service: string; to: string; ports: string }[];
  backups: string[];
  watchdog: string[];
  runbooks: { slug: string; title: string; path: string; written: boolean }[];
}

export interface FailureRow {
  slug: string;
  title: string;
  path: string;
  written: boolean;
  /** Hosts the scenario is about on this site. */
  hosts: string[];
  /** Generated files that point at the runbook (alert rules, docs). */
  referencedBy: string[];
}

export interface LastApply {
  run: string;
  mode: string;
  startedAt: string;
  status: string;
  ok: number;
  failed: number;
  skipped: number;
  steps: { id: string; status: string; durationMs: number; error?: string }[];
}

export interface DashboardModel {
  site: { name: string; domain: string; tier: string; firewall: string; platform: string; supernet: string };
  hosts: HostDetail[];
  vlans: {
    name: string;
    id: number;
    purpose: string;
    cidr: string;
    gateway: string;
    dhcp: string;
    internet: string;
    hosts: string[];
  }[];
  policy: { columns: string[]; rows: { from: string; cells: string[][] }[] };
  failures: FailureRow[];
  plan: { entries: { path: string; layer: string; status: string }[]; rendered: boolean } | null;
  lastApply: LastApply | null;
  diagrams: string[];
}

const ports = (protocol: string, list: number[]) =>
  protocol === 'icmp' ? 'icmp' : `${protocol}/${list.join(',')}`;

/** Which roles a failure scenario is about; `all` for every host. */
const SCENARIO_ROLES: Record<FailureSlug, HostRole[] | 'all' | 'storage'> = {
  'host-down': 'all',
  'pve-node-down': ['pve'],
  'primary-disk-failed': ['pve_primary'],
  'pool-disk-failed': 'storage',
  'firewall-down': ['firewall'],
  'talos-control-plane-down': ['talos_controlplane'],
  'k3s-server-down': ['k3s_server'],
  'k8s-node-not-ready': ['talos', 'k3s'],
  'ai-head-down': ['ai_head'],
  'ai-backend-down': ['ai_secondary', 'ai_agent'],
  'backup-server-down': ['pbs'],
  'backup-stale': ['pbs'],
  'watchdog-down': ['watchdog'],
  'power-failure': ['nut_server', 'nut_client'],
  'certificate-expiring': ['reverse_proxy'],
  'site-lost': 'all',
};

/** The list without repeats (two flows of one service from two roles of the same host read the same). */
function unique<T>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const key = JSON.stringify(x);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function scenarioHosts(site: Site, slug: FailureSlug): string[] {
  const roles = SCENARIO_ROLES[slug];
  if (roles === 'all') return site.hosts.map((h) => h.name);
  if (roles === 'storage') return [site.storage.host].filter((h) => h !== '');
  return site.hosts.filter((h) => h.roles.some((r) => roles.includes(r))).map((h) => h.name);
}

function label(e: Endpoint): string {
  switch (e.kind) {
    case 'vlan':
      return `VLAN ${e.vlan}`;
    case 'host':
      return e.host;
    case 'vip':
      return `VIP ${e.vip}`;
    case 'role':
      return `role ${e.role}`;
    default:
      return e.kind;
  }
}

function policyMatrix(site: Site): DashboardModel['policy'] {
  const { policy } = networkModel(site);
  const vlans = policy.zones.filter((z) => z.kind === 'vlan').map((z) => z.name);
  const columns = [FIREWALL, ...vlans, INTERNET];
  const cells = new Map<string, PolicyRule[]>();
  for (const r of policy.rules) {
    if (r.action !== 'pass') continue;
    const key = `${r.from}\u0000${r.to}`;
    const list = cells.get(key);
    if (list) list.push(r);
    else cells.set(key, [r]);
  }
  return {
    columns,
    rows: policy.zones.map((z) => ({
      from: z.name,
      cells: columns.map((c) =>
        c === z.name ? ['same VLAN'] : flowLines(cells.get(`${z.name}\u0000${c}`) ?? []),
      ),
    })),
  };
}

function lastApply(records: readonly JournalRecord[]): LastApply | null {
  let start: Extract<JournalRecord, { type: 'run-start' }> | undefined;
  for (const r of records) if (r.type === 'run-start') start = r;
  if (!start) return null;
  const run = start.run;
  const end = records.find((r) => r.type === 'run-end' && r.run === run);
  const steps = records
    .filter((r): r is Extract<JournalRecord, { type: 'step-end' }> => r.type === 'step-end' && r.run === run)
    .map((r) => ({
      id: r.id,
      status: r.status,
      durationMs: r.durationMs,
      ...(r.error ? { error: r.error } : {}),
    }));
  return {
    run,
    mode: start.mode,
    startedAt: start.at,
    status: end?.type === 'run-end' ? end.status : 'died (no end record: resumable)',
    ok: end?.type === 'run-end' ? end.ok : steps.filter((s) => s.status === 'ok').length,
    failed: end?.type === 'run-end' ? end.failed : steps.filter((s) => s.status !== 'ok').length,
    skipped: end?.type === 'run-end' ? end.skipped : 0,
    steps,
  };
}

export interface ModelInput {
  site: Site;
  tree: FileTree;
  plan?: readonly PlanEntry[];
  /** True when the directory holds a rendered repository (a manifest). */
  rendered?: boolean;
  journal?: readonly JournalRecord[];
}

export function dashboardModel({ site, tree, plan, rendered, journal }: ModelInput): DashboardModel {
  const files = new Map(tree.entries());
  const vipHosts = new Map<string, Set<string>>();
  for (const s of site.services) {
    for (const target of s.hosts) {
      if (!site.vips.some((v) => v.name === target)) continue;
      // A VIP's service runs on the cluster behind it: its control planes or servers.
      const behind =
        target === site.production.vip
          ? site.production.controlPlanes
          : target === site.devops.vip
            ? site.devops.servers
            : [];
      vipHosts.set(target, new Set(behind));
    }
  }
  const runbookRefs = new Map<string, string[]>();
  for (const sc of FAILURE_SCENARIOS) {
    const needle = `runbooks/${sc.slug}.md`;
    const refs: string[] = [];
    for (const [path, f] of files)
      if (path !== runbookPath(sc.slug) && f.content.includes(needle)) refs.push(path);
    runbookRefs.set(sc.slug, refs);
  }
  const failures: FailureRow[] = FAILURE_SCENARIOS.map((sc) => ({
    slug: sc.slug,
    title: sc.title,
    path: runbookPath(sc.slug),
    written: files.has(runbookPath(sc.slug)),
    hosts: scenarioHosts(site, sc.slug),
    referencedBy: runbookRefs.get(sc.slug) ?? [],
  }));

  const hosts: HostDetail[] = site.hosts.map((h) => {
    const services = site.services
      .filter(
        (s) =>
          s.hosts.includes(h.name) ||
          [...vipHosts].some(([vip, set]) => s.hosts.includes(vip) && set.has(h.name)),
      )
      .map((s) => ({
        name: s.name,
        ports: s.ports.map((p) => `${p.protocol}/${p.port}`).join(' '),
        description: s.description,
        ...(s.fqdn ? { fqdn: s.fqdn } : {}),
      }));
    const flowsIn = unique(
      site.flows
        .filter((f) => endpointCovers(f.to, h, vipHosts))
        .map((f) => ({ service: f.service, from: label(f.from), ports: ports(f.protocol, f.ports) })),
    );
    const flowsOut = unique(
      site.flows
        .filter((f) => endpointCovers(f.from, h, vipHosts) && !endpointCovers(f.to, h, vipHosts))
        .map((f) => ({ service: f.service, to: label(f.to), ports: ports(f.protocol, f.ports) })),
    );
    const backups: string[] = [];
    const pbs = [site.backup.primary, site.backup.mirror].filter((x): x is string => !!x);
    if (h.vm && site.backup.primary)
      backups.push(
        `VM ${h.vm.vmid} backed up to ${site.backup.primary} (${site.backup.schedule})${site.backup.mirror ? `, mirrored to ${site.backup.mirror}` : ''}`,
      );
    for (const s of site.services)
      if (s.hosts.includes(h.name) && s.volumes.length > 0)
        backups.push(
          `${s.name} data: ${s.volumes.join(', ')}${site.backup.primary ? ` → ${site.backup.primary}` : ' (no backup server)'}`,
        );
    if (pbs.includes(h.name))
      backups.push(
        h.name === site.backup.primary
          ? 'primary backup server'
          : 'mirror backup server (pulls a copy of the primary)',
      );
    if (backups.length === 0)
      backups.push(
        h.kind === 'vm'
          ? 'no backup server on this site'
          : 'not backed up by Beelab (no VM, no data volumes)',
      );
    const watchdog: string[] = [];
    for (const w of site.watchdogs) {
      if (w.targets.includes(h.name))
        watchdog.push(
          `watched by ${w.host}: power-cycled through ${w.relay}${w.relayHost ? ` ${w.relayHost}` : ''}${w.gpioPin !== undefined ? ` (GPIO ${w.gpioPin})` : ''} when it hangs`,
        );
      if (w.host === h.name) watchdog.push(`watches ${w.targets.join(', ') || 'nothing'} through ${w.relay}`);
    }
    if (watchdog.length === 0) watchdog.push('no watchdog');
    const runbooks = failures
      .filter((f) => f.hosts.includes(h.name) && f.slug !== 'site-lost')
      .map((f) => ({ slug: f.slug, title: f.title, path: f.path, written: f.written }));
    return {
      name: h.name,
      fqdn: h.fqdn,
      kind: h.kind,
      role: roleText(site, h),
      roles: h.roles,
      vlan: h.vlan,
      address: h.address,
      ...(h.mac ? { mac: h.mac } : {}),
      ...(h.model ? { model: h.model } : {}),
      ...(h.vm ? { vm: h.vm } : {}),
      services,
      flowsIn,
      flowsOut,
      backups,
      watchdog,
      runbooks,
    };
  });

  return {
    site: {
      name: site.name,
      domain: site.domain,
      tier: site.tier,
      firewall: site.firewall.host,
      platform: site.firewall.platform,
      supernet: site.supernet,
    },
    hosts,
    vlans: site.vlans.map((v) => ({
      name: v.name,
      id: v.id,
      purpose: v.purpose,
      cidr: v.cidr,
      gateway: v.gateway,
      dhcp: v.dhcp && v.dhcpRange ? `${v.dhcpRange[0]} – ${v.dhcpRange[1]}` : 'none',
      internet: v.internet,
      hosts: site.hosts.filter((h) => h.vlan === v.name).map((h) => h.name),
    })),
    policy: policyMatrix(site),
    failures,
    plan: plan
      ? {
          entries: plan
            .filter((e) => e.status !== 'unchanged')
            .map((e) => ({ path: e.path, layer: e.layer, status: e.status })),
          rendered: rendered ?? false,
        }
      : null,
    lastApply: journal ? lastApply(journal) : null,
    diagrams: ['docs/architecture.svg', 'docs/network.svg', 'docs/rack.svg'].filter((p) => files.has(p)),
  };
}
