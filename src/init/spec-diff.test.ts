// The change summary shown before init replaces a beelab.yaml.
import { describe, expect, it } from 'vitest';
import { tierDefaults } from '../spec/tiers.ts';
import { answersToSpec, defaultAnswers } from './spec-answers.ts';
import { specDiff } from './spec-diff.ts';

describe('specDiff', () => {
  it('is empty for equal specs', () => {
    expect(specDiff(tierDefaults('reference'), tierDefaults('reference'))).toEqual([]);
  });

  it("reads a bare app name becoming an object as that object's fields being set", () => {
    const before = { apps: ['immich', 'jellyfin'] };
    const after = { apps: [{ name: 'immich', version: 'v2.4.0' }, 'forgejo'] };
    expect(specDiff(before, after)).toEqual([
      'apps: + forgejo',
      'apps: - jellyfin',
      'apps[immich].version: undefined → "v2.4.0"',
    ]);
  });

  it('names changed values, added and removed named items, and list members', () => {
    const before = tierDefaults('reference');
    const after = answersToSpec({
      ...defaultAnswers('reference'),
      supernet: '10.30.0.0/16',
      computeNodes: 3,
      aiNodes: 0,
      apps: ['immich', 'nextcloud'],
    });
    const lines = specDiff(before, after);
    expect(lines).toContain('network.supernet: "10.20.0.0/16" → "10.30.0.0/16"');
    expect(lines).toContain('network.vlans: - ai');
    expect(lines).toContain('nodes: + pve4');
    expect(lines).toContain('ai.nodes: - ai-head, ai-2, ai-agent1, ai-agent2');
    expect(lines).toContain('apps: + nextcloud');
    expect(lines).toContain(
      'apps: - vaultwarden, paperless-ngx, jellyfin, home-assistant, uptime-kuma, forgejo',
    );
  });

  it('goes inside named items that changed, and caps the list', () => {
    const before = tierDefaults('reference');
    const after = structuredClone(before);
    after.nodes![0]!.memoryGb = 128;
    expect(specDiff(before, after)).toEqual(['nodes[pve1].memoryGb: 96 → 128']);
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    const lines = specDiff({}, many, 5);
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe('... and 35 more');
  });

  it('lists items without names (flows) one per line as written, and a new block by its fields', () => {
    const flow = {
      from: { vlan: 'devops' },
      to: { vlan: 'ai' },
      protocol: 'tcp',
      ports: [8443],
      why: 'test runner reaches the ai box',
    };
    const other = { from: { host: 'nas' }, to: { vlan: 'servers' }, protocol: 'icmp', why: 'ping' };
    expect(specDiff({}, { flows: [flow] })).toEqual([
      'flows: + { from: { vlan: devops }, to: { vlan: ai }, protocol: tcp, ports: [ 8443 ], why: test runner reaches the ai box }',
    ]);
    expect(specDiff({ flows: [flow, other] }, { flows: [other] })).toEqual([
      'flows: - { from: { vlan: devops }, to: { vlan: ai }, protocol: tcp, ports: [ 8443 ], why: test runner reaches the ai box }',
    ]);
    expect(specDiff({ flows: [flow, other] }, { flows: [other, flow] })).toEqual(['flows: reordered']);
    expect(specDiff({}, { observability: { smtp: { host: 'mail', port: 587 } } })).toEqual([
      'observability.smtp.host: undefined → "mail"',
      'observability.smtp.port: undefined → 587',
    ]);
  });
});
