// The AI layer's part of the Site: the Macs of the mesh, their model servers, the gateway and Site.ai.
import {
  type HostRequest,
  type Ordered,
  type SiteContribution,
  service,
  tcp,
} from '../../site/contribution.ts';
import type { Endpoint, GatewayKey, HostRole, Service } from '../../site/types.ts';
import { BACKEND_PORTS } from '../../spec/ai-models.ts';
import { DEFAULTS } from '../../spec/defaults.ts';
import { AI_BACKENDS, type AiBackend, type Spec } from '../../spec/schema.ts';

export { BACKEND_PORTS };

/** Health path of each model server kind (llama.cpp answers 503 while a model loads). */
export const BACKEND_HEALTH: Record<AiBackend, string> = {
  ollama: '/api/tags',
  llamacpp: '/health',
  mlx: '/v1/models',
  vllm: '/health',
  lmstudio: '/v1/models',
};

/** The Mac that runs the gateway: the head, else the secondary. */
function gatewayHostOf(withRole: (role: 'ai_head' | 'ai_secondary') => string[]): string | undefined {
  return withRole('ai_head')[0] ?? withRole('ai_secondary')[0];
}

/** The keys Beelab makes for the site's consumers of the gateway, then the user's (ai.keys). */
function gatewayKeys(spec: Spec, withRole: (role: HostRole) => string[]): GatewayKey[] {
  const out: GatewayKey[] = [];
  const nodes = spec.ai?.nodes ?? [];
  if (nodes.length === 0) return out;
  const consumers: [HostRole, string, string][] = [
    ['ai_agent', 'agents', 'CI jobs of the agent runners'],
    ['docker', 'apps', 'the compose apps'],
    ['k3s', 'devops', 'the DevOps cluster'],
    ['talos_worker', 'production', 'the production cluster'],
  ];
  for (const [role, name, holder] of consumers) if (withRole(role).length > 0) out.push({ name, holder });
  out.push({ name: 'operators', holder: 'the admins, over the tailnet' });
  // apply's last check: one completion through the gateway; a tight limit keeps a leaked copy harmless.
  const bySize = [...nodes].sort((a, b) => (a.hardware?.memoryGb ?? 0) - (b.hardware?.memoryGb ?? 0));
  const first = bySize.flatMap((n) => n.models ?? [])[0];
  out.push({
    name: SMOKE_KEY,
    holder: 'beelab apply (the smoke test)',
    rpm: 10,
    ...(first ? { models: [first] } : {}),
  });
  for (const k of spec.ai?.keys ?? []) out.push({ ...k, holder: k.name });
  return out;
}

/** The key apply verifies the gateway with. */
export const SMOKE_KEY = 'smoke-test';

export const aiSite: SiteContribution = {
  hosts({ spec, vlanFor }) {
    const vlan = vlanFor('ai');
    return (spec.ai?.nodes ?? []).map(
      (a): Ordered<HostRequest> => ({
        order: 70,
        name: a.name,
        kind: 'mac',
        roles: ['ai', `ai_${a.role}`],
        layers: ['ai'],
        vlan,
        os: 'macos',
        drives: [],
        ...(a.hardware ? { model: a.hardware.model, memoryGb: a.hardware.memoryGb } : {}),
        ...(a.mac ? { mac: a.mac } : {}),
        ...(a.address ? { fixedAddress: a.address } : {}),
      }),
    );
  },

  services({ spec, withRole, mgmt, monitor }) {
    const out: Ordered<Service>[] = [];
    const gatewayHost = gatewayHostOf(withRole);
    const nodes = spec.ai?.nodes ?? [];
    for (const backend of AI_BACKENDS) {
      const on = nodes
        .filter((n) => (n.backends ?? [DEFAULTS.ai.backend]).includes(backend))
        .map((n) => n.name);
      if (on.length === 0) continue;
      out.push(
        service(70, {
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
      // LiteLLM (ai.gateway: litellm) has its readiness probe, no admin listener and no state of its own.
      const litellm = spec.ai?.gateway === 'litellm';
      const consumers: Endpoint[] = [mgmt, { kind: 'tailnet' }];
      // What calls the gateway: compose apps, CI jobs in the DevOps cluster, the production cluster's apps.
      // The agent runners' CI jobs call it over the tailnet.
      for (const role of ['ai_agent', 'docker', 'k3s', 'talos_worker'] as const)
        if (withRole(role).length > 0) consumers.push({ kind: 'role', role });
      // Prometheus probes /readyz (the blackbox health check); metrics come from the admin listener.
      consumers.push(monitor);
      out.push(
        service(75, {
          name: 'ai-gateway',
          kind: 'infra',
          layer: 'ai',
          description: 'OpenAI-compatible gateway in front of the AI mesh',
          hosts: [gatewayHost],
          ports: [tcp('http', spec.ai?.gatewayPort ?? DEFAULTS.ai.gatewayPort)],
          consumers,
          health: { port: 'http', path: litellm ? '/health/readiness' : '/readyz' },
          fqdn: `ai.${spec.site.domain}`,
          ...(litellm ? {} : { volumes: ['/var/lib/beelab-gateway'] }),
        }),
      );
      if (!litellm)
        out.push(
          // /metrics and /status live on a separate admin listener (docs/gateway.md): never open to API clients.
          service(76, {
            name: 'ai-gateway-admin',
            kind: 'infra',
            layer: 'ai',
            description: 'Admin listener of the AI gateway: /metrics and /status',
            hosts: [gatewayHost],
            ports: [tcp('admin', DEFAULTS.ai.adminPort)],
            consumers: [mgmt, monitor],
            health: { port: 'admin' },
            metrics: { port: 'admin', path: '/metrics' },
          }),
        );
    }
    return out;
  },

  slice({ spec, withRole }) {
    const gatewayHost = gatewayHostOf(withRole);
    const ts = spec.ai?.tailscale;
    return {
      ai: {
        nodes: (spec.ai?.nodes ?? []).map((n) => ({
          host: n.name,
          role: n.role,
          backends: n.backends ?? [DEFAULTS.ai.backend],
          models: n.models ?? [],
          ...(n.hardware ? { memoryGb: n.hardware.memoryGb } : {}),
        })),
        gatewayPort: spec.ai?.gatewayPort ?? DEFAULTS.ai.gatewayPort,
        ...(gatewayHost ? { gatewayHost } : {}),
        ...(spec.ai?.tailnet ? { tailnet: spec.ai.tailnet } : {}),
        gateway: spec.ai?.gateway ?? DEFAULTS.ai.gateway,
        keys: gatewayKeys(spec, withRole),
        tailscale: {
          admins: ts?.admins ?? (spec.site.admin?.email ? [spec.site.admin.email] : []),
          clients: ts?.clients ?? [...DEFAULTS.ai.tailnetClients],
          tagOwners: ts?.tagOwners ?? {},
          ...(ts?.subnetRouter ? { subnetRouter: ts.subnetRouter } : {}),
        },
      },
    };
  },
};
