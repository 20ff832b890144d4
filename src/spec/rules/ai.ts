// Spec rules of the AI mesh's tailnet: every tag a client selector names has an owner, the subnet router exists.
import { closest } from '../../kernel/suggest.ts';
import { aliasesOf, BACKEND_PORTS, GPU_MEMORY_SHARE, modelMemoryGb } from '../ai-models.ts';
import { DEFAULTS } from '../defaults.ts';
import { ADMINS_GROUP, AI_TAGS } from '../tailnet-tags.ts';
import { writtenHosts } from './hosts-of.ts';
import type { Finding, RuleContext } from './rule.ts';

/** Beelab's own tags; the user's come from ai.tailscale.tagOwners. */
const OWN_TAGS: readonly string[] = Object.values(AI_TAGS);

export function tailscaleRules({ spec, plan }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const ts = spec.ai?.tailscale;
  if (!ts || (spec.ai?.nodes ?? []).length === 0) return out;
  const owners = ts.tagOwners ?? {};
  const admins = ts.admins ?? (spec.site.admin?.email ? [spec.site.admin.email] : []);
  (ts.clients ?? []).forEach((c, i) => {
    if (c.startsWith('tag:') && !OWN_TAGS.includes(c) && !(owners[c]?.length ?? 0)) {
      out.push({
        code: 'ai/tag-without-owner',
        path: ['ai', 'tailscale', 'clients', i],
        message: `ai.tailscale.clients[${i}] "${c}" is a tag nobody owns: no device could ever carry it`,
        hint: `add it under ai.tailscale.tagOwners, e.g. "${c}": [group:admins]`,
      });
    }
    if (c.startsWith('group:') && c !== ADMINS_GROUP)
      out.push(unknownGroup(['ai', 'tailscale', 'clients', i], c));
  });
  for (const [tag, list] of Object.entries(owners)) {
    if (list.length === 0)
      out.push({
        code: 'ai/tag-without-owner',
        path: ['ai', 'tailscale', 'tagOwners', tag],
        message: `ai.tailscale.tagOwners "${tag}" lists no owner: no device could ever carry it`,
        hint: 'list who may assign it, e.g. [group:admins]',
      });
    if (OWN_TAGS.includes(tag))
      out.push({
        code: 'ai/own-tag',
        path: ['ai', 'tailscale', 'tagOwners', tag],
        atKey: true,
        message: `ai.tailscale.tagOwners "${tag}" is one of Beelab's own tags (owned by group:admins)`,
        hint: 'use another name for your own tag',
      });
    list.forEach((o, i) => {
      if (o.startsWith('group:') && o !== ADMINS_GROUP)
        out.push(unknownGroup(['ai', 'tailscale', 'tagOwners', tag, i], o));
    });
  }
  const usesAdmins = [...(ts.clients ?? []), ...Object.values(owners).flat()].includes(ADMINS_GROUP);
  if (usesAdmins && admins.length === 0)
    out.push({
      code: 'ai/no-admins',
      path: ['ai', 'tailscale'],
      message:
        'group:admins is used but has no members: neither ai.tailscale.admins nor site.admin.email is set',
      hint: 'add ai.tailscale.admins: [you@example.com]',
    });
  const router = ts.subnetRouter;
  if (router) {
    const hosts = plan?.hostNames ?? writtenHosts(spec).map((h) => h.name);
    if (!hosts.includes(router.host)) {
      const guess = closest(router.host, hosts);
      out.push({
        code: 'ai/unknown-router',
        path: ['ai', 'tailscale', 'subnetRouter', 'host'],
        message: `ai.tailscale.subnetRouter.host "${router.host}" is not a host of this site`,
        hint: guess ? `did you mean \`${guess}\`?` : 'name an AI node or a Linux host',
      });
    }
    const vlans = (spec.network?.vlans ?? []).map((v) => v.name);
    router.vlans.forEach((v, i) => {
      if (!vlans.includes(v)) {
        const guess = closest(v, vlans);
        out.push({
          code: 'ai/unknown-vlan',
          path: ['ai', 'tailscale', 'subnetRouter', 'vlans', i],
          message: `ai.tailscale.subnetRouter.vlans[${i}] "${v}" is not a VLAN of this site`,
          hint: guess ? `did you mean \`${guess}\`?` : `VLANs: ${vlans.join(', ')}`,
        });
      }
    });
  }
  return out;
}

function unknownGroup(path: Finding['path'], group: string): Finding {
  return {
    code: 'ai/unknown-group',
    path,
    message: `"${group}" is not a group of the tailnet policy: Beelab defines only group:admins`,
    hint: 'name group:admins, a tag or a login',
  };
}

/** The gateway: keys name models the mesh serves, ports do not clash, LiteLLM gets no Beelab-only feature, models fit. */
export function gatewayRules({ spec }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const nodes = spec.ai?.nodes ?? [];
  if (nodes.length === 0) return out;
  const served = [...new Set(nodes.flatMap((n) => n.models ?? []))];
  // The aliases this mesh backs: `small` needs a second chat model on a smaller node, `embed` an embedder.
  const aliases = Object.keys(
    aliasesOf(nodes.map((n) => ({ models: n.models ?? [], memoryGb: n.hardware?.memoryGb }))),
  );
  const litellm = (spec.ai?.gateway ?? DEFAULTS.ai.gateway) === 'litellm';
  const names = new Set<string>();
  (spec.ai?.keys ?? []).forEach((k, i) => {
    if (
      names.has(k.name) ||
      ['agents', 'apps', 'devops', 'production', 'operators', 'smoke-test'].includes(k.name)
    )
      out.push({
        code: 'ai/duplicate-key',
        path: ['ai', 'keys', i, 'name'],
        message: `ai.keys[${i}].name "${k.name}" is taken (by an earlier key or one Beelab makes)`,
        hint: 'give the key another name',
      });
    names.add(k.name);
    (k.models ?? []).forEach((m, j) => {
      if (!served.includes(m) && !aliases.includes(m)) {
        const alias = ['default', 'small', 'embed'].includes(m);
        const guess = closest(m, served);
        out.push({
          code: 'ai/unserved-model',
          path: ['ai', 'keys', i, 'models', j],
          message: alias
            ? `ai.keys[${i}].models[${j}] "${m}" is an alias this mesh does not back (it has ${aliases.join(', ') || 'none'})`
            : `ai.keys[${i}].models[${j}] "${m}" is served by no node of the mesh`,
          hint: alias
            ? m === 'embed'
              ? "add an embedding model (e.g. nomic-embed-text) to a node's models"
              : '`small` is the chat model of the node with the least memory: add a chat model to a second, smaller node'
            : guess
              ? `did you mean \`${guess}\`? or add it to a node's models`
              : `add it to a node's models, or use an alias (${aliases.join(', ') || 'none yet'})`,
        });
      }
    });
    if (litellm && k.budget)
      out.push({
        code: 'ai/litellm-budget',
        path: ['ai', 'keys', i, 'budget'],
        message: `ai.keys[${i}].budget: token budgets per key are a feature of Beelab's gateway only; LiteLLM budgets keys in money, through its database`,
        hint: "use ai.gateway: beelab, or drop the budget and set one with LiteLLM's /key/generate",
      });
  });
  const port = spec.ai?.gatewayPort ?? DEFAULTS.ai.gatewayPort;
  nodes.forEach((n, i) => {
    if (n.role !== 'head') return;
    for (const b of n.backends ?? [DEFAULTS.ai.backend])
      for (const [what, p] of [
        ['gatewayPort', port],
        // LiteLLM has no admin listener of its own.
        ...(litellm ? [] : [['admin port', DEFAULTS.ai.adminPort] as const]),
      ] as const)
        if (BACKEND_PORTS[b] === p)
          out.push({
            code: 'ai/port-clash',
            // The same two services on one port of one host: the generic port rule would say it again, less precisely.
            supersedes: ['service/port-collision'],
            path:
              what === 'gatewayPort' && spec.ai?.gatewayPort !== undefined
                ? ['ai', 'gatewayPort']
                : ['ai', 'nodes', i, 'backends'],
            message: `the gateway's ${what} ${p} is the port of ${b} on ${n.name}, which runs the gateway`,
            hint: `pick another ai.gatewayPort (not ${Object.values(BACKEND_PORTS).join(', ')}), or move ${b} to another node`,
          });
  });
  nodes.forEach((n, i) => {
    const mem = n.hardware?.memoryGb;
    if (!mem) return;
    const sizes = (n.models ?? [])
      .map((m) => [m, modelMemoryGb(m)] as const)
      .filter(([, g]) => g !== undefined);
    const need = sizes.reduce((a, [, g]) => a + g!, 0);
    const room = Math.floor(mem * GPU_MEMORY_SHARE);
    if (need > room)
      out.push({
        code: 'ai/models-too-big',
        severity: 'warning',
        path: ['ai', 'nodes', i, 'models'],
        message: `ai.nodes[${i}] "${n.name}": its models need about ${Math.round(need)} GB (${sizes.map(([m, g]) => `${m} ~${g} GB`).join(', ')}) but ${mem} GB leaves about ${room} GB to the GPU`,
        hint: 'move a model to a larger node, pick a smaller quantisation or size, or load them one at a time (OLLAMA_MAX_LOADED_MODELS=1)',
      });
  });
  return out;
}
