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
