// The gateway in front of the mesh, from the Site: Beelab's gateway.yaml, or LiteLLM's config.yaml (ai.gateway).
import type { GatewayConfigInput } from '../../gateway/config-schema.ts';
import type { AiNode, Site } from '../../site/types.ts';
import { aliasesOf } from '../../spec/ai-models.ts';
import { DEFAULTS } from '../../spec/defaults.ts';
import { toYaml } from '../../tree/serialize/yaml.ts';
import { BACKEND_PORTS } from './site.ts';

export const GATEWAY_CONFIG_PATH = 'ai/gateway/gateway.yaml';
export const LITELLM_CONFIG_PATH = 'ai/gateway/litellm/config.yaml';
/** Where the config and its key hashes live on the gateway's Mac. */
export const GATEWAY_ETC = '/usr/local/etc/beelab-gateway';
/** The state directory the ai-gateway service declares as its volume (usage log, budgets). */
export const GATEWAY_STATE = '/var/lib/beelab-gateway';

/** The secret holding a gateway key's plaintext. */
export function keySecret(name: string): string {
  return `gateway-key-${name}`;
}

/** A key's hash file, relative to gateway.yaml. */
export function keyHashFile(name: string): string {
  return `keys/${name}.sha256`;
}

/** One model server of the mesh: a node's backend, with the models it is told to serve. */
export interface MeshBackend {
  name: string;
  host: string;
  kind: AiNode['backends'][number];
  /** Server root as the gateway reaches it. */
  url: string;
  port: number;
  models: string[];
  /** The node's memory, the backend's share of the traffic. */
  weight: number;
}

/** How the gateway reaches a Mac: its MagicDNS name on the tailnet when one is named, else its site DNS name. */
export function meshHostname(site: Site, host: string): string {
  return site.ai.tailnet ? `${host}.${site.ai.tailnet}` : site.hosts.find((h) => h.name === host)!.fqdn;
}

/**
 * Every backend of every node. A node's models are assigned to its first backend (the one that pulls them at
 * start); its other backends serve what they report (the gateway discovers their models).
 */
export function meshBackends(site: Site): MeshBackend[] {
  return site.ai.nodes.flatMap((n) =>
    n.backends.map((kind, i) => ({
      name: `${n.host}-${kind}`,
      host: n.host,
      kind,
      url: `http://${meshHostname(site, n.host)}:${BACKEND_PORTS[kind]}`,
      port: BACKEND_PORTS[kind],
      models: i === 0 ? n.models : [],
      weight: n.memoryGb ?? 16,
    })),
  );
}

/** Aliases: `default` for the largest node's first model, `small` for the smallest's, `embed` for an embedder. */
export function meshAliases(site: Site): Record<string, string> {
  return aliasesOf(site.ai.nodes);
}

/** Beelab's gateway.yaml: listen on every address, admin listener on the LAN address, keys by hash file. */
export function gatewayConfig(site: Site): GatewayConfigInput {
  const head = site.hosts.find((h) => h.name === site.ai.gatewayHost)!;
  return {
    listen: { host: '0.0.0.0', port: site.ai.gatewayPort },
    // /metrics and /status for Prometheus and management: the firewall lets only those reach this port.
    admin: { listen: { host: head.address, port: DEFAULTS.ai.adminPort } },
    backends: meshBackends(site).map((b) => ({
      name: b.name,
      kind: b.kind,
      url: b.url,
      weight: b.weight,
      ...(b.models.length ? { models: b.models } : {}),
    })),
    aliases: meshAliases(site),
    routing: { strategy: 'least-outstanding' },
    auth: {
      keys: site.ai.keys.map((k) => ({
        name: k.name,
        hashFile: keyHashFile(k.name),
        ...(k.models ? { models: k.models } : {}),
        ...(k.rpm ? { rpm: k.rpm } : {}),
        ...(k.tpm ? { tpm: k.tpm } : {}),
        ...(k.budget ? { budget: k.budget } : {}),
      })),
    },
    usageLog: `${GATEWAY_STATE}/usage.jsonl`,
  };
}

export function renderGatewayConfig(site: Site): string {
  return toYaml(gatewayConfig(site), {
    header: [
      `Beelab AI gateway of ${site.name}, generated from beelab.yaml (docs/ai.md, docs/gateway.md).`,
      `Installed as ${GATEWAY_ETC}/gateway.yaml on ${site.ai.gatewayHost}; each key's hash is installed`,
      `beside it (keys/<name>.sha256) from the secret gateway-key-<name> by beelab apply.`,
    ].join('\n'),
  });
}

/** LiteLLM's proxy config: the same backends as model_list entries, routing, retries and fallbacks. */
export function litellmConfig(site: Site): Record<string, unknown> {
  const backends = meshBackends(site);
  const model_list = backends.flatMap((b) =>
    b.models.map((m) => ({
      model_name: m,
      litellm_params: {
        // Every server of the mesh speaks the OpenAI protocol under /v1.
        model: `openai/${m}`,
        api_base: `${b.url}/v1`,
        api_key: 'none',
        weight: b.weight,
      },
    })),
  );
  const aliases = meshAliases(site);
  return {
    model_list,
    router_settings: {
      // LiteLLM reads litellm_params.weight only in simple-shuffle (router_strategy/simple_shuffle.py): with any
      // other strategy the memory weights would be ignored. Failed deployments cool down; num_retries moves on.
      routing_strategy: 'simple-shuffle',
      num_retries: 2,
      timeout: 120,
      ...(Object.keys(aliases).length ? { model_group_alias: aliases } : {}),
      ...(aliases.default && aliases.small ? { fallbacks: [{ [aliases.default]: [aliases.small] }] } : {}),
    },
    litellm_settings: { drop_params: true },
    general_settings: { master_key: 'os.environ/LITELLM_MASTER_KEY' },
  };
}

export function renderLitellmConfig(site: Site): string {
  return toYaml(litellmConfig(site), {
    header: [
      `LiteLLM proxy config of ${site.name}, generated by Beelab from beelab.yaml (ai.gateway: litellm; docs/ai.md).`,
      `Installed as /usr/local/etc/beelab-litellm/config.yaml on ${site.ai.gatewayHost} by beelab apply (ai/gateway), run by`,
      `launchd as litellm --config config.yaml --host 0.0.0.0 --port ${site.ai.gatewayPort}, with LITELLM_MASTER_KEY from the`,
      "secret gateway-key-operators; further keys need LiteLLM's database (its /key/generate API).",
    ].join('\n'),
  });
}
