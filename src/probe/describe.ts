// One short, stable label per probe, for tables, logs and metric labels.
import type { ProbeSpec } from './types.ts';

export function describeProbe(spec: ProbeSpec): string {
  switch (spec.kind) {
    case 'icmp':
      return `icmp ${spec.host}`;
    case 'tcp':
      return `tcp ${hostPort(spec.host, spec.port)}`;
    case 'http':
      return `${spec.method ?? 'GET'} ${spec.url}`;
    case 'tls':
      return `tls ${hostPort(spec.host, spec.port)}${spec.servername ? ` sni=${spec.servername}` : ''}`;
  }
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
