// Prometheus scrape jobs from the probes Prometheus can reach: one job per service with /metrics, the node
// exporters among them; the Proxmox VE, PBS and NUT exporters on the monitor (one target per backend); and
// blackbox probes (ICMP per host, HTTP(S) and TCP per health check, HTTPS per proxied name with its certificate).
import type { Host, Site } from '../../../site/types.ts';
import { targetLabels } from './labels.ts';
import { LOCAL_EXPORTERS, type Probe, probes } from './probes.ts';
import { monitorReaches } from './reach.ts';

/** The catalog service of the node exporters (observability/site.ts). */
export const NODE_EXPORTER = 'node-exporter';

/** One target with its labels (host, layer, role, vlan, and what it probes). */
export interface ScrapeTarget {
  target: string;
  labels: Record<string, string>;
}

/** One scrape_config, before serialisation. */
export interface ScrapeJob {
  job: string;
  /** `service`: the service's own /metrics; the others query a backend per target from the monitor. */
  source: 'service' | 'blackbox' | 'pve' | 'pbs' | 'nut';
  metricsPath: string;
  params?: Record<string, string[]>;
  /** Multi-target exporters: the query parameter that carries the target, and the exporter's address. */
  via?: { param: string; exporter: string };
  /** Which target label becomes `instance` (default: the target itself). */
  instanceFrom?: string;
  targets: ScrapeTarget[];
}

/** The monitor host (Prometheus), or undefined when the site has none. */
export function monitorHost(site: Site): Host | undefined {
  return site.hosts.find((h) => h.name === site.observability.monitor);
}

/** Probes of the site, each with whether the flows let Prometheus reach it. */
export function reachableProbes(site: Site, monitor: Host): { probe: Probe; reachable: boolean }[] {
  return probes(site).map((probe) => ({
    probe,
    reachable: monitorReaches(site, site.flows, monitor, probe.target, probe.protocol, probe.port),
  }));
}

/** The blackbox module of an HTTP(S) probe: scheme, certificate check, expected status. */
export function httpModule(p: Probe): string {
  const code = p.expect ? String(p.expect) : '2xx';
  if (p.kind === 'https-name') return `https_${code}`;
  // A health URL by address: the certificate names the host, not the address (Proxmox's own is self-signed).
  return p.scheme === 'https' ? `https_insecure_${code}` : `http_${code}`;
}

function labelsFor(site: Site, p: Probe): Record<string, string> {
  const host = site.hosts.find((h) => h.name === p.target);
  // A per-host agent (the node exporter) belongs to its host's layer; any other service to its own.
  const layer = p.service && p.service.name !== NODE_EXPORTER ? p.service.layer : undefined;
  const base = host
    ? targetLabels(site, host, layer)
    : { host: p.target, layer: layer ?? 'physical', role: 'vip' };
  return p.service && p.kind !== 'metrics' ? { ...base, service: p.service.name } : base;
}

const local = (port: number) => `127.0.0.1:${port}`;

/** Every scrape job of the site, in a stable order; empty without a monitor host. */
export function scrapeJobs(site: Site): ScrapeJob[] {
  const monitor = monitorHost(site);
  if (!monitor) return [];
  const ok = reachableProbes(site, monitor)
    .filter((r) => r.reachable)
    .map((r) => r.probe);
  const jobs: ScrapeJob[] = [];
  const byService = new Map<string, Probe[]>();
  for (const p of ok.filter((x) => x.kind === 'metrics'))
    byService.set(p.service!.name, [...(byService.get(p.service!.name) ?? []), p]);
  for (const [name, list] of byService)
    jobs.push({
      job: name,
      source: 'service',
      metricsPath: list[0]!.path ?? '/metrics',
      instanceFrom: 'host',
      targets: list.map((p) => {
        // A service in a cluster (kube-state-metrics, an app's metrics NodePort) says which one.
        const placement = p.service!.placement;
        const cluster = placement === 'production' || placement === 'devops' ? placement : undefined;
        return {
          target: `${p.address}:${p.port}`,
          labels: { ...labelsFor(site, p), ...(cluster ? { cluster } : {}) },
        };
      }),
    });
  const multi = (
    job: ScrapeJob['job'],
    source: ScrapeJob['source'],
    kind: Probe['kind'],
    metricsPath: string,
    param: string,
    target: (p: Probe) => string,
    params?: Record<string, string[]>,
  ) => {
    const list = ok.filter((p) => p.kind === kind);
    if (list.length === 0) return;
    const port = LOCAL_EXPORTERS[source as keyof typeof LOCAL_EXPORTERS].port;
    jobs.push({
      job,
      source,
      metricsPath,
      ...(params ? { params } : {}),
      via: { param, exporter: local(port) },
      instanceFrom: 'host',
      targets: list.map((p) => ({ target: target(p), labels: labelsFor(site, p) })),
    });
  };
  multi('pve', 'pve', 'pve-api', '/pve', 'target', (p) => p.address, {
    module: ['default'],
    cluster: ['1'],
    node: ['1'],
  });
  multi('pbs', 'pbs', 'pbs-api', '/metrics', 'target', (p) => `https://${p.address}:${p.port}`);
  multi('nut', 'nut', 'nut', '/ups_metrics', 'server', (p) => p.address, { ups: ['ups'] });
  const blackbox = (job: string, kind: Probe['kind'], target: (p: Probe) => string, module?: string) => {
    const list = ok.filter((p) => p.kind === kind);
    if (list.length === 0) return;
    jobs.push({
      job,
      source: 'blackbox',
      metricsPath: '/probe',
      ...(module ? { params: { module: [module] } } : {}),
      via: { param: 'target', exporter: local(LOCAL_EXPORTERS.blackbox.port) },
      targets: list.map((p) => ({
        target: target(p),
        labels: { ...labelsFor(site, p), ...(module ? {} : { module: httpModule(p) }) },
      })),
    });
  };
  blackbox('blackbox-icmp', 'icmp', (p) => p.address, 'icmp');
  blackbox('blackbox-http', 'http', (p) => `${p.scheme}://${p.address}:${p.port}${p.path}`);
  blackbox('blackbox-tcp', 'tcp', (p) => `${p.address}:${p.port}`, 'tcp_connect');
  blackbox('blackbox-https', 'https-name', (p) => `https://${p.fqdn}${p.path}`);
  return jobs;
}

/** The blackbox modules the jobs use, sorted (blackbox.yml defines exactly these). */
export function blackboxModules(jobs: readonly ScrapeJob[]): string[] {
  const out = new Set<string>();
  for (const j of jobs.filter((x) => x.source === 'blackbox')) {
    for (const m of j.params?.module ?? []) out.add(m);
    for (const t of j.targets) if (t.labels.module) out.add(t.labels.module);
  }
  return [...out].sort();
}
