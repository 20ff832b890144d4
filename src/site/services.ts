// The service catalog placed on the Site's hosts: infrastructure services and the user's apps, declared once.
import { findApp } from '../catalog/apps.ts';
import type { AiBackend, Spec } from '../spec/schema.ts';
import type { Endpoint, Host, Port, Service, Vlan } from './types.ts';

const tcp = (name: string, port: number): Port => ({ name, port, protocol: 'tcp' });
const udp = (name: string, port: number): Port => ({ name, port, protocol: 'udp' });

/** Default listen port of each model server kind. */
export const BACKEND_PORTS: Record<AiBackend, number> = {
  ollama: 11434,
  llamacpp: 8080,
  mlx: 8081,
  vllm: 8000,
  lmstudio: 1234,
};

/** Health path of each model server kind (llama.cpp answers 503 while a model loads). */
export const BACKEND_HEALTH: Record<AiBackend, string> = {
  ollama: '/api/tags',
  llamacpp: '/health',
  mlx: '/v1/models',
  vllm: '/health',
  lmstudio: '/v1/models',
};

export const NODE_EXPORTER_PORT = 9100;
export const WATCHDOG_METRICS_PORT = 9102;

function service(
  s: Omit<Service, 'volumes' | 'proxied'> & Partial<Pick<Service, 'volumes' | 'proxied'>>,
): Service {
  return { volumes: [], proxied: false, ...s };
}

interface Ctx {
  spec: Spec;
  hosts: Host[];
  vlans: Vlan[];
  domain: string;
  withRole: (role: string) => string[];
  vlanOf: (purpose: Vlan['purpose']) => string | undefined;
}

/** Every service of the Site, in a fixed order. */
export function buildServices(
  spec: Spec,
  hosts: Host[],
  vlans: Vlan[],
  domain: string,
  gatewayHost?: string,
): Service[] {
  const withRole = (role: string) => hosts.filter((h) => h.roles.includes(role)).map((h) => h.name);
  const vlanOf = (purpose: Vlan['purpose']) => vlans.find((v) => v.purpose === purpose)?.name;
  const ctx: Ctx = { spec, hosts, vlans, domain, withRole, vlanOf };
  return [...infraServices(ctx, gatewayHost), ...appServices(ctx)];
}

function infraServices(ctx: Ctx, gatewayHost?: string): Service[] {
  const { withRole, vlanOf, hosts, spec } = ctx;
  const mgmt: Endpoint = { kind: 'vlan', vlan: vlanOf('management') ?? ctx.vlans[0]!.name };
  const monitor: Endpoint = { kind: 'role', role: 'prometheus' };
  const out: Service[] = [];
  const fw = withRole('firewall');

  out.push(
    service({
      name: 'dns',
      kind: 'infra',
      layer: 'network',
      description: 'DNS resolver for every VLAN',
      hosts: fw,
      ports: [udp('dns', 53), tcp('dns-tcp', 53)],
      consumers: ctx.vlans.map((v) => ({ kind: 'vlan', vlan: v.name })),
      health: { port: 'dns-tcp' },
    }),
  );
  const pve = withRole('pve');
  if (pve.length > 0) {
    out.push(
      service({
        name: 'proxmox-ve',
        kind: 'infra',
        layer: 'physical',
        description: 'Proxmox VE web UI and API',
        hosts: pve,
        ports: [tcp('https', 8006)],
        consumers: [mgmt, monitor],
        health: { port: 'https', path: '/', scheme: 'https', expect: 200 },
        volumes: ['/etc/pve'],
      }),
    );
  }
  const pbs = withRole('pbs');
  if (pbs.length > 0) {
    out.push(
      service({
        name: 'proxmox-backup',
        kind: 'infra',
        layer: 'backup',
        description: 'Proxmox Backup Server: PVE hosts push backups, the mirror pulls a copy',
        hosts: pbs,
        ports: [tcp('https', 8007)],
        consumers: [mgmt, { kind: 'role', role: 'pve' }, { kind: 'role', role: 'pbs' }, monitor],
        health: { port: 'https', path: '/', scheme: 'https', expect: 200 },
        volumes: ['/etc/proxmox-backup'],
      }),
    );
  }
  if (spec.storage?.nfs && pve.length > 0) {
    const primary = withRole('pve_primary');
    const servers = vlanOf('servers');
    out.push(
      service({
        name: 'nfs',
        kind: 'infra',
        layer: 'physical',
        description: `NFS export of the ${spec.storage.pool ?? 'tank'} pool`,
        hosts: primary,
        ports: [tcp('nfs', 2049)],
        consumers: servers ? [{ kind: 'vlan', vlan: servers }] : [],
        health: { port: 'nfs' },
        volumes: [`/${spec.storage.pool ?? 'tank'}`],
      }),
    );
  }
  if (spec.ups?.enabled) {
    out.push(
      service({
        name: 'nut',
        kind: 'infra',
        layer: 'physical',
        description: 'Network UPS Tools server: nodes shut down cleanly on battery',
        hosts: [spec.ups.host ?? withRole('pve_primary')[0] ?? pve[0]!].filter(Boolean),
        ports: [tcp('nut', 3493)],
        consumers: [
          { kind: 'role', role: 'pve' },
          { kind: 'role', role: 'pbs' },
        ],
        health: { port: 'nut' },
      }),
    );
  }
  const talosCp = withRole('talos_controlplane');
  if (talosCp.length > 0) {
    out.push(
      service({
        name: 'talos-api',
        kind: 'infra',
        layer: 'orchestration',
        description: 'Talos machine API (talosctl)',
        hosts: withRole('talos'),
        ports: [tcp('apid', 50000)],
        consumers: [mgmt],
        health: { port: 'apid' },
      }),
      service({
        name: 'kubernetes-api',
        kind: 'infra',
        layer: 'orchestration',
        description: 'Kubernetes API of the production (Talos) cluster, on its VIP',
        hosts: ['talos-api'],
        ports: [tcp('https', 6443)],
        consumers: [
          mgmt,
          ...(vlanOf('devops') ? [{ kind: 'vlan', vlan: vlanOf('devops')! } as Endpoint] : []),
          monitor,
        ],
        health: { port: 'https', path: '/readyz', scheme: 'https', expect: 401 },
      }),
    );
  }
  const k3sServers = withRole('k3s_server');
  if (k3sServers.length > 0) {
    out.push(
      service({
        name: 'k3s-api',
        kind: 'infra',
        layer: 'devops',
        description: 'Kubernetes API of the DevOps (k3s) cluster, on its VIP',
        hosts: ['k3s-api'],
        ports: [tcp('https', 6443)],
        consumers: [mgmt, { kind: 'vlan', vlan: vlanOf('devops') ?? mgmt.vlan }, monitor],
        health: { port: 'https', path: '/readyz', scheme: 'https', expect: 401 },
      }),
    );
  }
  if (withRole('prometheus').length > 0) {
    const mon = withRole('prometheus');
    out.push(
      service({
        name: 'prometheus',
        kind: 'infra',
        layer: 'observability',
        description: 'Metrics and alert rules',
        hosts: mon,
        ports: [tcp('http', 9090)],
        consumers: [mgmt],
        health: { port: 'http', path: '/-/healthy' },
        metrics: { port: 'http', path: '/metrics' },
        volumes: ['/var/lib/prometheus'],
      }),
      service({
        name: 'alertmanager',
        kind: 'infra',
        layer: 'observability',
        description: 'Alert routing to the alert channels',
        hosts: mon,
        ports: [tcp('http', 9093)],
        consumers: [mgmt],
        health: { port: 'http', path: '/-/healthy' },
        metrics: { port: 'http', path: '/metrics' },
        volumes: ['/var/lib/prometheus/alertmanager'],
      }),
      service({
        name: 'grafana',
        kind: 'infra',
        layer: 'observability',
        description: 'Dashboards',
        hosts: mon,
        ports: [tcp('http', 3000)],
        consumers: [mgmt],
        health: { port: 'http', path: '/api/health' },
        metrics: { port: 'http', path: '/metrics' },
        volumes: ['/var/lib/grafana'],
        fqdn: `grafana.${ctx.domain}`,
      }),
    );
  }
  // Every host that runs a general-purpose OS exports node metrics.
  const exporters = hosts
    .filter((h) => h.kind !== 'appliance' || h.roles.includes('firewall'))
    .map((h) => h.name);
  out.push(
    service({
      name: 'node-exporter',
      kind: 'infra',
      layer: 'observability',
      description: 'Host metrics (node_exporter) on every host',
      hosts: exporters,
      ports: [tcp('metrics', NODE_EXPORTER_PORT)],
      consumers: [monitor],
      metrics: { port: 'metrics', path: '/metrics' },
    }),
  );
  const wazuh = withRole('wazuh_manager');
  if (wazuh.length > 0) {
    out.push(
      service({
        name: 'wazuh-manager',
        kind: 'infra',
        layer: 'security',
        description: 'Wazuh manager: agents on every host report to it',
        hosts: wazuh,
        ports: [tcp('agents', 1514), tcp('enrollment', 1515), tcp('api', 55000)],
        consumers: ctx.vlans
          .filter((v) => v.purpose !== 'security')
          .map((v) => ({ kind: 'vlan', vlan: v.name })),
        health: { port: 'agents' },
        volumes: ['/var/ossec'],
      }),
    );
  }
  const honeypot = withRole('honeypot');
  if (honeypot.length > 0) {
    out.push(
      service({
        name: 't-pot',
        kind: 'infra',
        layer: 'security',
        description: 'T-Pot honeypot; its web UI is reachable from management only',
        hosts: honeypot,
        ports: [tcp('web', 64297)],
        consumers: [mgmt],
        health: { port: 'web', path: '/', scheme: 'https' },
      }),
    );
  }
  const aiNodes = spec.ai?.nodes ?? [];
  for (const backend of ['ollama', 'llamacpp', 'mlx', 'vllm', 'lmstudio'] as const) {
    const on = aiNodes.filter((n) => (n.backends ?? ['ollama']).includes(backend)).map((n) => n.name);
    if (on.length === 0) continue;
    out.push(
      service({
        name: `model-${backend}`,
        kind: 'infra',
        layer: 'ai',
        description: `${backend} model server on the AI mesh`,
        hosts: on,
        ports: [tcp('http', BACKEND_PORTS[backend])],
        consumers: gatewayHost ? [{ kind: 'host', host: gatewayHost }] : [],
        health: { port: 'http', path: BACKEND_HEALTH[backend] },
      }),
    );
  }
  if (gatewayHost) {
    const consumers: Endpoint[] = [mgmt, { kind: 'tailnet' }];
    for (const p of ['servers', 'devops'] as const) {
      const v = vlanOf(p);
      if (v && v !== mgmt.vlan) consumers.push({ kind: 'vlan', vlan: v });
    }
    consumers.push(monitor);
    out.push(
      service({
        name: 'ai-gateway',
        kind: 'infra',
        layer: 'ai',
        description: 'OpenAI-compatible gateway in front of the AI mesh',
        hosts: [gatewayHost],
        ports: [tcp('http', spec.ai?.gatewayPort ?? 4000)],
        consumers,
        health: { port: 'http', path: '/readyz' },
        metrics: { port: 'http', path: '/metrics' },
        fqdn: `ai.${ctx.domain}`,
        volumes: ['/var/lib/beelab-gateway'],
      }),
    );
  }
  const pis = withRole('watchdog');
  if (pis.length > 0) {
    out.push(
      service({
        name: 'watchdog',
        kind: 'infra',
        layer: 'observability',
        description: 'Beelab watchdog metrics on each Pi',
        hosts: pis,
        ports: [tcp('metrics', WATCHDOG_METRICS_PORT)],
        consumers: [monitor],
        metrics: { port: 'metrics', path: '/metrics' },
      }),
    );
  }
  return out;
}

/** Placement of each app: compose apps run on the apps VM behind the reverse proxy. */
function appServices(ctx: Ctx): Service[] {
  const { spec, withRole, vlanOf } = ctx;
  const entries = (spec.apps ?? []).map((a) => (typeof a === 'string' ? { name: a } : a));
  const sync = spec.storage?.sync;
  if (sync && sync !== 'none' && !entries.some((e) => e.name === sync)) entries.push({ name: sync });
  const apps: Service[] = [];
  const proxyHost = withRole('reverse_proxy')[0];
  const clients: Endpoint[] = [{ kind: 'vlan', vlan: vlanOf('management') ?? ctx.vlans[0]!.name }];
  const clientVlan = vlanOf('clients');
  if (clientVlan) clients.push({ kind: 'vlan', vlan: clientVlan });
  clients.push({ kind: 'tailnet' });
  for (const e of entries) {
    const app = findApp(e.name);
    if (!app) continue; // reported by the unknown-app rule
    const placement = ('on' in e && e.on) || 'compose';
    const hosts =
      placement === 'compose'
        ? proxyHost
          ? [proxyHost]
          : []
        : placement === 'devops'
          ? ['k3s-ingress']
          : ['talos-ingress'];
    apps.push(
      service({
        name: app.name,
        kind: 'app',
        layer: 'orchestration',
        description: app.description,
        hosts,
        placement,
        version: ('version' in e && e.version) || app.version,
        image: app.image,
        ports: [...app.ports, tcp('https', 443)],
        consumers: clients,
        fqdn: `${app.subdomain}.${ctx.domain}`,
        volumes: app.volumes.map((v) => `/srv/apps/${app.name}/${v}`),
        health: {
          port: app.health.port,
          path: app.health.path,
          ...(app.health.expect ? { expect: app.health.expect } : {}),
        },
        ...(app.metrics ? { metrics: app.metrics } : {}),
        proxied: true,
      }),
    );
  }
  return apps;
}
