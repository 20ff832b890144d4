// What Prometheus must reach, read from the service catalog: every metrics endpoint, every health check (HTTP,
// HTTPS or TCP), every proxied name (its TLS certificate), every host (ICMP) and the multi-target exporters'
// backends (the Proxmox VE and PBS APIs, the NUT server). Scrape jobs and the flows they need both come from here.
import type { Host, Protocol, Service, Vip } from '../../../site/types.ts';

/**
 * Exporters that run on the monitor host itself and query a backend per target (`?target=`): the Ansible role
 * that installs each (its `<role>_listen` default is this port on loopback) and its systemd unit.
 */
export const LOCAL_EXPORTERS = {
  blackbox: { port: 9115, role: 'blackbox_exporter', unit: 'prometheus-blackbox-exporter' },
  pve: { port: 9221, role: 'pve_exporter', unit: 'prometheus-pve-exporter' },
  pbs: { port: 9101, role: 'pbs_exporter', unit: 'prometheus-pbs-exporter' },
  nut: { port: 9199, role: 'nut_exporter', unit: 'prometheus-nut-exporter' },
} as const;

export type ProbeKind = 'metrics' | 'http' | 'tcp' | 'https-name' | 'icmp' | 'pve-api' | 'pbs-api' | 'nut';

/** One thing Prometheus reaches: a service's endpoint on one of its hosts (or VIPs), or a host itself. */
export interface Probe {
  kind: ProbeKind;
  /** The catalog service, absent for ICMP. */
  service?: Service;
  /** Host or VIP name. */
  target: string;
  address: string;
  protocol: Protocol;
  port?: number;
  /** HTTP(S): the URL path; metrics: the metrics path. */
  path?: string;
  scheme?: 'http' | 'https';
  /** Expected HTTP status (default: any 2xx). */
  expect?: number;
  /** https-name: the proxied DNS name. */
  fqdn?: string;
}

/** The parts of the Site probes are read from (the flows hook has them before the Site exists). */
export interface ProbeInput {
  hosts: readonly Host[];
  vips: readonly Pick<Vip, 'name' | 'address'>[];
  services: readonly Service[];
}

function addressOf(input: ProbeInput, target: string): string | undefined {
  return (
    input.hosts.find((h) => h.name === target)?.address ?? input.vips.find((v) => v.name === target)?.address
  );
}

/** Every probe of the site, in catalog order: metrics, health, proxied names; then hosts; then exporter backends. */
export function probes(input: ProbeInput): Probe[] {
  const out: Probe[] = [];
  const isVip = (t: string) => input.vips.some((v) => v.name === t);
  for (const s of input.services) {
    for (const target of s.hosts) {
      const address = addressOf(input, target);
      if (!address) continue;
      const port = (name: string) => s.ports.find((p) => p.name === name);
      // A VIP fronts a cluster's ingress: a cluster app's metrics are its own service, on a NodePort (orchestration).
      if (s.metrics && !isVip(target)) {
        const p = port(s.metrics.port);
        if (p)
          out.push({
            kind: 'metrics',
            service: s,
            target,
            address,
            protocol: 'tcp',
            port: p.port,
            path: s.metrics.path,
          });
      }
      if (s.proxied && s.fqdn) {
        const https = port('https');
        out.push({
          kind: 'https-name',
          service: s,
          target,
          address,
          protocol: 'tcp',
          port: https?.port ?? 443,
          path: s.health?.path ?? '/',
          scheme: 'https',
          fqdn: s.fqdn,
          ...(s.health?.expect ? { expect: s.health.expect } : {}),
        });
        continue;
      }
      if (s.health) {
        const p = port(s.health.port);
        if (p?.protocol !== 'tcp') continue;
        out.push(
          s.health.path !== undefined
            ? {
                kind: 'http',
                service: s,
                target,
                address,
                protocol: 'tcp',
                port: p.port,
                path: s.health.path,
                scheme: s.health.scheme ?? 'http',
                ...(s.health.expect ? { expect: s.health.expect } : {}),
              }
            : { kind: 'tcp', service: s, target, address, protocol: 'tcp', port: p.port },
        );
      }
    }
  }
  for (const h of input.hosts)
    out.push({ kind: 'icmp', target: h.name, address: h.address, protocol: 'icmp' });
  const api = (name: string, kind: ProbeKind, portNumber: number) => {
    const s = input.services.find((x) => x.name === name);
    for (const target of s?.hosts ?? []) {
      const address = addressOf(input, target);
      if (address && s) out.push({ kind, service: s, target, address, protocol: 'tcp', port: portNumber });
    }
  };
  api('proxmox-ve', 'pve-api', 8006);
  api('proxmox-backup', 'pbs-api', 8007);
  api('nut', 'nut', 3493);
  return out;
}
