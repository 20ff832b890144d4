// The Site's status checks: every host pinged, every TCP port connected, every health URL fetched,
// every HTTPS endpoint's certificate read. Adding a service to beelab.yaml adds its checks here.
import { describeProbe } from '../probe/describe.ts';
import type { ProbeSpec } from '../probe/types.ts';
import type { Site } from '../site/types.ts';
import type { StatusTarget } from './types.ts';

export function targetsFromSite(site: Site): StatusTarget[] {
  const out: StatusTarget[] = [];
  const seen = new Set<string>();
  const add = (name: string, group: string, probe: ProbeSpec) => {
    const key = `${describeProbe(probe)} ${probe.kind === 'tls' ? (probe.servername ?? '') : ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ name, group, probe });
  };
  const address = new Map<string, string>();
  for (const h of site.hosts) address.set(h.name, h.address);
  for (const v of site.vips) address.set(v.name, v.address);

  for (const h of site.hosts) add(h.name, 'host', { kind: 'icmp', host: h.address });

  for (const svc of site.services) {
    for (const hostName of svc.hosts) {
      const host = address.get(hostName);
      if (!host) continue;
      const at = `${svc.name}@${hostName}`;
      for (const port of svc.ports) {
        if (port.protocol !== 'tcp') continue;
        add(at, 'service', { kind: 'tcp', host, port: port.port });
      }
      const health = svc.health;
      const hp = health && svc.ports.find((p) => p.name === health.port);
      if (health?.path && hp) {
        const scheme = health.scheme ?? 'http';
        add(at, 'health', {
          kind: 'http',
          url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${hp.port}${health.path}`,
          ...(health.expect ? { expectStatus: [health.expect] } : {}),
          // Lab certificates are often self-signed; the tls check below reports trust and expiry.
          ...(scheme === 'https' ? { insecure: true } : {}),
        });
        if (scheme === 'https') add(at, 'tls', { kind: 'tls', host, port: hp.port });
      }
      for (const port of svc.ports) {
        if (port.protocol !== 'tcp' || port.name !== 'https') continue;
        // Proxied apps share :443 on one host; SNI picks each one's certificate.
        const servername = svc.proxied && svc.fqdn ? svc.fqdn : undefined;
        add(servername ? `${svc.name} (${servername})` : at, 'tls', {
          kind: 'tls',
          host,
          port: port.port,
          ...(servername ? { servername } : {}),
        });
      }
    }
  }
  return out;
}
