// Bad ai.tailscale input: each mistake a located error with a hint, all at once.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../kernel/diagnostic.ts';
import { parseSiteSpec } from '../../project/spec.ts';

const BASE = `version: 1
tier: reference
site:
  name: demo
  domain: lab.example.com
  admin:
    email: admin@example.com
    sshKeys: []
ai:
  tailscale:
`;

describe('ai.tailscale rules', () => {
  it.each([
    [
      'a client tag nobody owns',
      '    clients: [tag:ci]\n',
      'ai/tag-without-owner',
      'is a tag nobody owns',
      '11:tag:ci',
    ],
    [
      'a tag with no owner',
      '    tagOwners:\n      tag:ci: []\n',
      'ai/tag-without-owner',
      'lists no owner',
      '12:[]',
    ],
    [
      "one of Beelab's tags redefined",
      '    tagOwners:\n      tag:agent: [a@b.org]\n',
      'ai/own-tag',
      "Beelab's own tags",
      '12:tag:agent',
    ],
    ['an unknown group', '    clients: [group:devs]\n', 'ai/unknown-group', 'group:devs', '11:group:devs'],
    [
      'an unknown router',
      '    subnetRouter: { host: ai-3, vlans: [servers] }\n',
      'ai/unknown-router',
      'did you mean `ai-2`',
      '11:ai-3',
    ],
    [
      'an unknown VLAN',
      '    subnetRouter: { host: ai-2, vlans: [server] }\n',
      'ai/unknown-vlan',
      'did you mean `servers`',
      '11:server]',
    ],
    ['a malformed selector', '    clients: [everyone]\n', 'spec/schema', 'tag:NAME', '11:everyone'],
  ])('%s', (_name, tail, code, text, at) => {
    const yaml = BASE + tail;
    const { diagnostics } = parseSiteSpec(yaml);
    const hit = diagnostics.find((d) => d.code === code && `${d.message} ${d.hint ?? ''}`.includes(text));
    expect(hit, diagnostics.map(formatDiagnostic).join('\n')).toBeDefined();
    const [line, token] = [Number(at.slice(0, at.indexOf(':'))), at.slice(at.indexOf(':') + 1)];
    const col = yaml.split('\n')[line - 1]!.indexOf(token) + 1;
    expect(col).toBeGreaterThan(0);
    expect(`${hit!.location?.line}:${hit!.location?.col}`).toBe(`${line}:${col}`);
  });

  it('all at once; admins missing when group:admins is used', () => {
    const yaml = `${BASE}    admins: []\n    clients: [group:admins, tag:ci]\n    subnetRouter: { host: nope, vlans: [nope] }\n`;
    const codes = parseSiteSpec(yaml).diagnostics.map((d) => d.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'ai/no-admins',
        'ai/tag-without-owner',
        'ai/unknown-router',
        'ai/unknown-vlan',
      ]),
    );
  });

  it('a tag with an owner, a known router and VLANs pass', () => {
    const yaml = `${BASE}    clients: [group:admins, tag:ci]\n    tagOwners:\n      tag:ci: [group:admins]\n    subnetRouter: { host: ai-2, vlans: [servers] }\n`;
    expect(parseSiteSpec(yaml).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

// Issue 15's bad input, in one spec: a model no node serves, two Macs with one tailnet name (their host name), a
// tag a flow names that nobody owns, the gateway's port on a model server of its Mac, and LiteLLM with a per-key
// budget. Every one is reported in the same run, at its line and column.
describe('the AI mesh: every mistake of one spec, each at its place', () => {
  const YAML = `version: 1
tier: reference
site:
  name: demo
  domain: lab.example.com
  admin:
    email: admin@example.com
    sshKeys: []
ai:
  gatewayPort: 11434
  gateway: litellm
  nodes:
    - name: ai-head
      role: head
      backends: [ollama]
      models: [qwen3:32b]
    - name: ai-2
      role: secondary
      models: [qwen3:8b]
    - name: ai-2
      role: agent
      models: [qwen3:8b]
  keys:
    - { name: team, models: [qwen3:14b], budget: { tokens: 1000, period: day } }
    - { name: search, models: [embed] }
  tailscale:
    clients: [tag:ci]
`;
  /** line:col of `token` on the last line that contains `context` (1-based, as the diagnostics count). */
  const at = (context: string, token: string) => {
    const lines = YAML.split('\n');
    const line = lines.map((l) => l.includes(context)).lastIndexOf(true);
    expect(line, context).toBeGreaterThanOrEqual(0);
    return `${line + 1}:${lines[line]!.indexOf(token) + 1}`;
  };

  it('reports all of them at once, located, with a hint each', () => {
    const diagnostics = parseSiteSpec(YAML).diagnostics.filter(
      (d) => d.code.startsWith('ai/') || d.code.startsWith('host/'),
    );
    const got = diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.severity} ${d.code}`);
    expect(got.sort()).toEqual(
      [
        `${at('- name: ai-2', 'ai-2')} error host/duplicate-name`,
        `${at('qwen3:14b', 'qwen3:14b')} error ai/unserved-model`,
        `${at('models: [embed]', 'embed')} error ai/unserved-model`,
        `${at('clients: [tag:ci]', 'tag:ci')} error ai/tag-without-owner`,
        `${at('gatewayPort: 11434', '11434')} error ai/port-clash`,
        `${at('budget:', '{ tokens')} error ai/litellm-budget`,
      ].sort(),
    );
    const text = diagnostics.map((d) => `${d.message} | ${d.hint}`).join('\n');
    expect(text).toContain('host name "ai-2" is used twice (ai.nodes[1].name and ai.nodes[2].name)');
    expect(text).toContain('"qwen3:14b" is served by no node of the mesh | did you mean `qwen3:32b`?');
    expect(text).toContain('"embed" is an alias this mesh does not back (it has default, small)');
    expect(text).toContain('"tag:ci" is a tag nobody owns');
    expect(text).toContain('gatewayPort 11434 is the port of ollama on ai-head, which runs the gateway');
    expect(text).toContain("token budgets per key are a feature of Beelab's gateway only");
    expect(diagnostics.every((d) => d.hint)).toBe(true);
  });
});
