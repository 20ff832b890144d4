// The gateway from the Site: the gateway's own loader accepts the rendered gateway.yaml; backends, weights, aliases
// and keys follow the AI nodes; key hashes come from files the secrets fill; LiteLLM gets the same mesh.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkWith, removeSites } from '../../../test/support/check-site.ts';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { hashKey } from '../../gateway/api-keys.ts';
import { loadGatewayConfig, parseGatewayConfig } from '../../gateway/load-config.ts';
import { parseSiteSpec } from '../../project/spec.ts';
import { siteSecrets } from '../../secrets/catalog.ts';
import { resolveSite } from '../index.ts';
import { GATEWAY_CONFIG_PATH, keyHashFile, LITELLM_CONFIG_PATH } from './gateway-config.ts';
import { aiLayer } from './index.ts';
import { gatewayConfigValidator } from './validators.ts';

afterAll(removeSites);

const files = (site: ReturnType<typeof exampleSite>) =>
  new Map(
    aiLayer.render!(site, { layouts: [] })
      .entries()
      .map(([p, f]) => [p, f.content as string]),
  );

function siteWith(tail: string) {
  const base = readFileSync(new URL('../../../examples/reference/beelab.yaml', import.meta.url), 'utf8');
  const parsed = parseSiteSpec(
    base.replace('ai:\n  gatewayPort: 4000\n', `ai:\n  gatewayPort: 4000\n${tail}`),
  );
  return { parsed, site: parsed.spec ? resolveSite(parsed.spec).site : undefined };
}

describe('gateway.yaml', () => {
  const site = exampleSite('reference');
  const text = files(site).get(GATEWAY_CONFIG_PATH)!;

  it("is accepted by the gateway's own loader, with a backend per node and server", () => {
    const c = parseGatewayConfig(text, GATEWAY_CONFIG_PATH);
    const expected = site.ai.nodes.flatMap((n) => n.backends.map((b) => `${n.host}-${b}`));
    expect(c.backends.map((b) => b.name)).toEqual(expected);
    for (const b of c.backends) {
      const node = site.ai.nodes.find((n) => b.name.startsWith(`${n.host}-`))!;
      expect(b.url).toBe(
        `http://${site.hosts.find((h) => h.name === node.host)!.fqdn}:${new URL(b.url).port}`,
      );
      expect(b.weight).toBe(node.memoryGb);
    }
    // A node's models go to its first server; the others are discovered.
    expect(c.backends.find((b) => b.name === 'ai-head-mlx')!.models).toEqual(site.ai.nodes[0]!.models);
    expect(c.backends.find((b) => b.name === 'ai-head-ollama')!.models).toEqual([]);
    expect(c.aliases).toEqual({ default: 'qwen3:235b-a22b', small: 'qwen3:8b', embed: 'nomic-embed-text' });
    expect(c.listen).toEqual({ host: '0.0.0.0', port: site.ai.gatewayPort });
  });

  it('keys are hash files, one secret each, and the gateway loads them once apply has written them', async () => {
    const c = parseGatewayConfig(text, GATEWAY_CONFIG_PATH);
    const names = c.auth.keys.map((k) => k.name);
    expect(names).toEqual(['agents', 'apps', 'devops', 'production', 'operators', 'smoke-test']);
    expect(c.auth.keys.every((k) => k.hash === undefined && k.hashFile === keyHashFile(k.name))).toBe(true);
    const secrets = siteSecrets(site).map((s) => s.name);
    for (const n of names) expect(secrets).toContain(`gateway-key-${n}`);
    expect(text).not.toMatch(/sk-|sha256:/);
    const dir = mkdtempSync(join(tmpdir(), 'beelab-ai-gw-'));
    try {
      writeFileSync(join(dir, 'gateway.yaml'), text);
      mkdirSync(join(dir, 'keys'));
      for (const n of names) writeFileSync(join(dir, keyHashFile(n)), hashKey(`sk-${n}`));
      const loaded = await loadGatewayConfig(join(dir, 'gateway.yaml'));
      expect(loaded.auth.keys.map((k) => k.hash)).toEqual(names.map((n) => hashKey(`sk-${n}`)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the validator passes it and locates a broken one', async () => {
    expect((await checkWith(gatewayConfigValidator, { [GATEWAY_CONFIG_PATH]: text })).status).toBe('passed');
    const broken = text.replace('kind: ollama', 'kind: olama');
    const r = await checkWith(gatewayConfigValidator, { [GATEWAY_CONFIG_PATH]: broken });
    expect(r.status).toBe('failed');
    const line = broken.split('\n').findIndex((l) => l.includes('olama')) + 1;
    expect(r.diagnostics[0]!.location).toMatchObject({ file: GATEWAY_CONFIG_PATH, line });
  });

  it('with a tailnet named, the gateway reaches the Macs by their MagicDNS names', () => {
    const { site: s } = siteWith('  tailnet: tail1234.ts.net\n');
    const c = parseGatewayConfig(files(s!).get(GATEWAY_CONFIG_PATH)!, 'g.yaml');
    expect(c.backends[0]!.url).toBe('http://ai-head.tail1234.ts.net:8081');
  });
});

describe('ai.gateway: litellm', () => {
  const { site } = siteWith('  gateway: litellm\n');
  const out = files(site!);
  it('renders LiteLLM config.yaml from the same mesh instead of gateway.yaml', () => {
    expect(out.has(GATEWAY_CONFIG_PATH)).toBe(false);
    const c = parse(out.get(LITELLM_CONFIG_PATH)!);
    const names = site!.ai.nodes.flatMap((n) => n.models);
    expect(c.model_list.map((m: { model_name: string }) => m.model_name)).toEqual(names);
    expect(c.model_list[0].litellm_params).toMatchObject({
      model: 'openai/qwen3:235b-a22b',
      api_base: 'http://ai-head.lab.example.com:8081/v1',
    });
    // Weighted by memory as gateway.yaml is: LiteLLM honours litellm_params.weight in simple-shuffle only.
    expect(c.router_settings.routing_strategy).toBe('simple-shuffle');
    expect(c.model_list.map((m: { litellm_params: { weight: number } }) => m.litellm_params.weight)).toEqual(
      site!.ai.nodes.flatMap((n) => n.models.map(() => n.memoryGb)),
    );
    expect(c.router_settings.model_group_alias.default).toBe('qwen3:235b-a22b');
    expect(c.router_settings.fallbacks).toEqual([{ 'qwen3:235b-a22b': ['qwen3:8b'] }]);
    expect(c.general_settings.master_key).toBe('os.environ/LITELLM_MASTER_KEY');
  });
});

describe('bad input, located, all at once', () => {
  it.each([
    [
      'a key for a model no node serves',
      '  keys:\n    - { name: team, models: [qwen3:14b] }\n',
      'ai/unserved-model',
      'served by no node',
    ],
    [
      'litellm with a per-key budget',
      '  gateway: litellm\n  keys:\n    - { name: team, budget: { tokens: 1000, period: day } }\n',
      'ai/litellm-budget',
      "Beelab's gateway only",
    ],
    [
      'a key named like one Beelab makes',
      '  keys:\n    - { name: agents }\n',
      'ai/duplicate-key',
      'is taken',
    ],
  ])('%s', (_n, tail, code, text) => {
    const { parsed } = siteWith(tail);
    const hit = parsed.diagnostics.find((d) => d.code === code);
    expect(hit?.message).toContain(text);
    expect(hit?.location?.line).toBeGreaterThan(200);
    expect(hit?.severity).toBe('error');
  });

  it('a gateway port on a backend port of the head; models that do not fit a node (warning)', () => {
    const base = readFileSync(new URL('../../../examples/reference/beelab.yaml', import.meta.url), 'utf8');
    const yaml = base
      .replace('ai:\n  gatewayPort: 4000\n', 'ai:\n  gatewayPort: 11434\n')
      .replace(
        '      models:\n        - qwen3:8b\n      mac: 3c:a6:f6:60:00:03',
        '      models:\n        - qwen3:8b\n        - llama3.3:70b\n      mac: 3c:a6:f6:60:00:03',
      );
    const d = parseSiteSpec(yaml).diagnostics;
    expect(d.find((x) => x.code === 'ai/port-clash')?.message).toContain(
      'gatewayPort 11434 is the port of ollama on ai-head',
    );
    // Said once, by the rule that knows the mesh: the generic service/port-collision at the same place is dropped.
    const line = yaml.split('\n').indexOf('  gatewayPort: 11434') + 1;
    const here = d.filter((x) => x.location?.line === line);
    expect(here.map((x) => `${x.location?.line}:${x.location?.col} ${x.code}`)).toEqual([
      `${line}:16 ai/port-clash`,
    ]);
    const big = d.find((x) => x.code === 'ai/models-too-big');
    expect(big?.severity).toBe('warning');
    expect(big?.message).toMatch(/ai-agent1.*need about 49 GB.*32 GB leaves about 24 GB/);
  });
});
