// Site rules over the resolved reference build: least privilege of whole-VLAN consumers, and what the policy opens.
import { describe, expect, it } from 'vitest';
import { resolveSite } from '../layers/index.ts';
import { networkModel } from '../layers/network/model.ts';
import { tierDefaults } from '../spec/tiers.ts';
import { vlanWideSourceRule } from './rules.ts';
import type { Site } from './types.ts';

const fresh = (): Site => resolveSite(tierDefaults('reference')).site;

describe('vlanWideSourceRule', () => {
  it('passes every catalog service of every tier', () => {
    for (const tier of ['reference', 'compact', 'single'] as const)
      expect(vlanWideSourceRule(resolveSite(tierDefaults(tier)).site)).toEqual([]);
  });

  it.each([
    ['a guest VLAN consuming an infrastructure service', { kind: 'vlan', vlan: 'devops' }, 1],
    ['the same consumer with a reason', { kind: 'vlan', vlan: 'devops', because: 'build agents' }, 0],
    ['management', { kind: 'vlan', vlan: 'mgmt' }, 0],
    ['the VLAN the service lives on (never routed)', { kind: 'vlan', vlan: 'servers' }, 0],
    ['a role', { kind: 'role', role: 'k3s' }, 0],
  ] as const)('%s → %i warning(s)', (_what, consumer, count) => {
    const site = fresh();
    const grafana = site.services.find((s) => s.name === 'grafana')!;
    grafana.consumers.push(consumer);
    const found = vlanWideSourceRule(site);
    expect(found).toHaveLength(count);
    if (count)
      expect(found[0]!.message).toContain('every device on VLAN devops may reach grafana (tcp 3000)');
  });

  it('does not flag app services, which people reach from their devices on purpose', () => {
    const site = fresh();
    site.services.find((s) => s.kind === 'app')!.consumers.push({ kind: 'vlan', vlan: 'devops' });
    expect(vlanWideSourceRule(site)).toEqual([]);
  });
});

describe('least privilege in the compiled reference policy', () => {
  const site = fresh();
  const { policy } = networkModel(site);
  const passes = policy.rules.filter((r) => r.action === 'pass' && r.origin === 'flow');

  it('opens the Wazuh API (55000) to management only (which passes everything anyway)', () => {
    expect(site.services.find((s) => s.name === 'wazuh-api')!.consumers).toEqual([
      { kind: 'vlan', vlan: 'mgmt' },
    ]);
    expect(passes.filter((r) => r.ports.includes(55000) && r.from !== 'mgmt')).toEqual([]);
  });

  it('opens the agent ports only from hosts that run an agent, never from a whole VLAN or the honeypot', () => {
    const agents = passes.filter((r) => r.ports.includes(1514) && r.from !== 'mgmt');
    expect(agents.length).toBeGreaterThan(0);
    for (const r of agents) {
      expect(r.fromAddrs).toBeDefined();
      const members = policy.sets.find((s) => s.name === r.fromAddrs)!.addresses;
      for (const a of members) {
        const host = site.hosts.find((h) => h.address === a)!;
        expect(host.roles).toContain('wazuh_agent');
      }
    }
    const tpot = site.hosts.find((h) => h.roles.includes('honeypot'))!;
    expect(tpot.roles).not.toContain('wazuh_agent');
    expect(site.hosts.filter((h) => h.os === 'talos').every((h) => !h.roles.includes('wazuh_agent'))).toBe(
      true,
    );
  });

  it('lets no non-management VLAN reach an infrastructure port of another VLAN with `any` as source, but DNS', () => {
    const wide = passes.filter(
      (r) => r.from !== 'mgmt' && !r.fromAddrs && r.to !== 'firewall' && r.to !== 'internet',
    );
    for (const r of wide) expect(site.services.find((s) => s.name === r.service)?.kind).toBe('app');
  });
});
