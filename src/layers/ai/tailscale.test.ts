// The tailnet policy: a JSONC/HuJSON parser reads it, every tailnet flow of the Site is allowed, every other
// pair of tailnet devices (by role) and port is denied, its own tests pass, and the hosts' flags match it.
import { readFileSync } from 'node:fs';
import { type ParseError, parse } from 'jsonc-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../test/support/check-site.ts';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { parseSiteSpec } from '../../project/spec.ts';
import type { Site } from '../../site/types.ts';
import { resolveSite } from '../index.ts';
import { aiLayer } from './index.ts';
import { allows, runPolicyTests, type TailnetPolicy } from './tailscale-eval.ts';
import { POLICY_PATH } from './tailscale-policy.ts';
import { TAILSCALE_README } from './tailscale-up.ts';
import { tailscalePolicyValidator } from './validators.ts';

afterAll(removeSites);

function render(site: Site) {
  const tree = aiLayer.render!(site, { layouts: [] });
  const text = (p: string) => tree.entries().find(([path]) => path === p)![1].content as string;
  const errors: ParseError[] = [];
  const policy = parse(text(POLICY_PATH), errors, { allowTrailingComma: true }) as TailnetPolicy & {
    ssh?: { src: string[]; dst: string[] }[];
    autoApprovers?: { routes: Record<string, string[]> };
  };
  expect(errors).toEqual([]);
  // Each host's tags, read back from the join command the README gives it.
  const tags = new Map(
    [...text(TAILSCALE_README).matchAll(/tailscale up --hostname=(\S+) --advertise-tags=(\S+)/g)].map((m) => [
      m[1]!,
      m[2]!.split(','),
    ]),
  );
  return { policy, tags, text };
}

function siteWith(yamlTail: string): Site {
  const base = readFileSync(new URL('../../../examples/reference/beelab.yaml', import.meta.url), 'utf8');
  const parsed = parseSiteSpec(
    base.replace('ai:\n  gatewayPort: 4000\n', `ai:\n  gatewayPort: 4000\n${yamlTail}`),
  );
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return resolveSite(parsed.spec!).site;
}

/** Hosts with the same tags are one role: the policy is exact per role, so the expectation is too. */
function sameRole(tags: Map<string, string[]>, host: string): string[] {
  const key = tags.get(host)!.join(',');
  return [...tags].filter(([, t]) => t.join(',') === key).map(([h]) => h);
}

function fromHosts(site: Site, f: Site['flows'][number]): string[] {
  if (f.from.kind === 'host') return [f.from.host];
  if (f.from.kind === 'role') {
    const role = f.from.role;
    return site.hosts.filter((h) => h.roles.includes(role)).map((h) => h.name);
  }
  return [];
}

describe.each(['reference', 'compact'] as const)('%s: the tailnet policy', (name) => {
  const site = exampleSite(name);
  const { policy, tags } = render(site);
  const macs = site.hosts.filter((h) => h.kind === 'mac').map((h) => h.name);
  const toMac = site.flows.filter(
    (f) => f.to.kind === 'host' && macs.includes(f.to.host) && f.protocol === 'tcp',
  );
  const ports = [...new Set([22, 9999, ...toMac.flatMap((f) => f.ports)])].sort((a, b) => a - b);
  const admin = site.ai.tailscale.admins[0]!;

  it('every Mac joins with the tags of its role', () => {
    expect([...tags.keys()].sort()).toEqual([...macs].sort());
    expect(tags.get(site.ai.gatewayHost!)).toContain('tag:ai-gateway');
    for (const t of new Set([...tags.values()].flat()))
      expect(policy.tagOwners?.[t]).toEqual(['group:admins']);
    expect(policy.groups).toEqual({ 'group:admins': [admin] });
  });

  it('Mac to Mac: exactly the flows, per role pair and port', () => {
    let allowed = 0;
    for (const src of macs)
      for (const dst of macs)
        for (const port of ports) {
          const want = toMac.some(
            (f) =>
              f.ports.includes(port) &&
              sameRole(tags, dst).includes((f.to as { host: string }).host) &&
              fromHosts(site, f).some((h) => sameRole(tags, src).includes(h)),
          );
          const got = allows(policy, { tags: tags.get(src)! }, { tags: tags.get(dst)! }, 'tcp', port);
          expect(got, `${src} -> ${dst}:${port}`).toBe(want);
          if (got) allowed++;
        }
    expect(allowed > 0).toBe(macs.length > 1);
  });

  it('from the tailnet: users and tagged clients reach the gateway port only; admins also SSH to every Mac', () => {
    const fromTailnet = toMac.filter((f) => f.from.kind === 'tailnet');
    expect(fromTailnet.map((f) => f.to)).toEqual([{ kind: 'host', host: site.ai.gatewayHost }]);
    const clients = [
      { who: { user: admin }, ssh: true },
      { who: { user: 'someone-else@example.com' }, ssh: false },
      { who: { tags: ['tag:gateway-client'] }, ssh: false },
    ];
    for (const { who, ssh } of clients)
      for (const dst of macs)
        for (const port of ports) {
          const want =
            (port === 22 && ssh) ||
            fromTailnet.some((f) => f.ports.includes(port) && (f.to as { host: string }).host === dst);
          expect(
            allows(policy, who, { tags: tags.get(dst)! }, 'tcp', port),
            `${JSON.stringify(who)} -> ${dst}:${port}`,
          ).toBe(want);
        }
    expect(policy.ssh).toEqual([
      expect.objectContaining({ src: ['group:admins'], dst: [...new Set(macs.map((m) => tags.get(m)![0]))] }),
    ]);
  });

  it("the policy's own tests pass, and cover every role", () => {
    expect(runPolicyTests(policy)).toEqual([]);
    const srcs = policy.tests!.map((t) => t.src);
    for (const t of new Set([...tags.values()].flat())) expect(srcs).toContain(t);
    expect(policy.tests!.flatMap((t) => t.accept ?? []).length).toBeGreaterThan(0);
    expect(policy.tests!.flatMap((t) => t.deny ?? []).length).toBeGreaterThan(10);
  });
});

describe('subnet routes, clients and extra tags', () => {
  const site = siteWith(
    '  tailscale:\n    admins: [ops@example.com, alice@example.com]\n    clients: [group:admins, tag:ci]\n    tagOwners:\n      tag:ci: [alice@example.com]\n    subnetRouter: { host: ai-2, vlans: [servers] }\n',
  );
  const { policy, tags, text } = render(site);
  const servers = site.vlans.find((v) => v.name === 'servers')!;
  const appsHost = site.services.find((s) => s.name === 'immich')!.hosts[0]!;
  const https = site.flows.find((f) => f.service === 'immich' && f.from.kind === 'tailnet')!.ports[0]!;

  it('the router advertises the VLAN, auto-approved; tailnet clients reach the apps there and nothing else', () => {
    expect(tags.get('ai-2')).toEqual(['tag:ai-node', 'tag:subnet-router']);
    expect(text(TAILSCALE_README)).toContain(`--advertise-routes=${servers.cidr}`);
    expect(policy.autoApprovers).toEqual({ routes: { [servers.cidr]: ['tag:subnet-router'] } });
    expect(policy.hosts?.[appsHost]).toBe(`${site.hosts.find((h) => h.name === appsHost)!.address}/32`);
    expect(allows(policy, { tags: ['tag:ci'] }, { alias: appsHost }, 'tcp', https)).toBe(true);
    expect(allows(policy, { tags: ['tag:ci'] }, { alias: appsHost }, 'tcp', 22)).toBe(false);
    expect(allows(policy, { user: 'alice@example.com' }, { alias: appsHost }, 'tcp', https)).toBe(true);
    // Not a client any more: a member who is not an admin, and the default client tag.
    expect(allows(policy, { user: 'bob@example.com' }, { alias: appsHost }, 'tcp', https)).toBe(false);
    expect(allows(policy, { tags: ['tag:gateway-client'] }, { tags: ['tag:ai-gateway'] }, 'tcp', 4000)).toBe(
      false,
    );
    expect(policy.tagOwners?.['tag:ci']).toEqual(['alice@example.com']);
    expect(policy.tagOwners?.['tag:gateway-client']).toBeUndefined();
    expect(runPolicyTests(policy)).toEqual([]);
  });
});

describe('the tailscale-policy validator', () => {
  const { text } = render(exampleSite('reference'));
  it('passes the rendered policy', async () => {
    const r = await checkWith(tailscalePolicyValidator, { [POLICY_PATH]: text(POLICY_PATH) });
    expect(r.status).toBe('passed');
    expect(r.files).toBe(1);
  });

  it('a grant widened by hand fails the tests; a syntax error is located', async () => {
    const widened = text(POLICY_PATH).replace('"ip": ["tcp:11434"]', '"ip": ["tcp:*"]');
    expect(widened).not.toBe(text(POLICY_PATH));
    const r = await checkWith(tailscalePolicyValidator, { [POLICY_PATH]: widened });
    expect(r.status).toBe('failed');
    expect(r.diagnostics.map((d) => d.message)).toContainEqual(
      'tests[1]: tag:ai-gateway -> tag:ai-node:22 (tcp) is allowed but the test says deny',
    );
    const broken = text(POLICY_PATH).replace('"grants": [', '"grants": [[');
    const s = await checkWith(tailscalePolicyValidator, { [POLICY_PATH]: broken });
    expect(where(s)[0]).toMatch(/^ai\/tailscale\/policy\.hujson:\d+:\d+ error tailscale-policy\/syntax$/);
  });
});

describe('the evaluator', () => {
  const p: TailnetPolicy = {
    groups: { 'group:ops': ['a@x.org'] },
    hosts: { nas: '10.0.0.5/32' },
    grants: [
      { src: ['group:ops'], dst: ['tag:db'], ip: ['tcp:5432'] },
      { src: ['autogroup:member'], dst: ['tag:db'], ip: ['icmp:*'] },
      { src: ['tag:ci'], dst: ['nas', 'tag:web'], ip: ['tcp:8000-8002', '53'] },
    ],
  };
  it.each([
    [{ user: 'a@x.org' }, { tags: ['tag:db'] }, 'tcp', 5432, true],
    [{ user: 'b@x.org' }, { tags: ['tag:db'] }, 'tcp', 5432, false],
    [{ user: 'b@x.org' }, { tags: ['tag:db'] }, 'icmp', 0, true],
    // A tagged device is no member.
    [{ tags: ['tag:ci'] }, { tags: ['tag:db'] }, 'icmp', 0, false],
    [{ tags: ['tag:ci'] }, { alias: 'nas' }, 'tcp', 8001, true],
    [{ tags: ['tag:ci'] }, { alias: 'nas' }, 'tcp', 8003, false],
    [{ tags: ['tag:ci'] }, { tags: ['tag:web'] }, 'udp', 53, true],
    [{ tags: ['tag:ci', 'tag:x'] }, { tags: ['tag:db', 'tag:web'] }, 'tcp', 8000, true],
  ] as const)('%j -> %j %s:%d = %s', (who, to, proto, port, want) => {
    expect(allows(p, who, to, proto, port)).toBe(want);
  });
});
