// The network layer: backend chosen by platform, the policy document always, rules as diagnostics.
import { describe, expect, it } from 'vitest';
import { referenceSite } from '../../../test/support/example-sites.ts';
import { fixtureSite } from '../../../test/support/network-fixture.ts';
import { UserError } from '../../errors.ts';
import { layers } from '../index.ts';
import { firewallBackends } from './backends.ts';
import { NETWORK_POLICY_MD_PATH } from './docs.ts';
import { proveEquivalence } from './equivalence/prove.ts';
import { networkLayer, renderNetwork } from './index.ts';
import { LINUX_FILES } from './linux/render.ts';
import { networkModel } from './model.ts';
import { OPNSENSE_CONFIG } from './opnsense/backend.ts';
import { PFSENSE_CONFIG } from './pfsense/backend.ts';
import { networkRules } from './rules.ts';
import { VYOS_SCRIPT } from './vyos/backend.ts';

describe('networkLayer', () => {
  it('is registered', () => {
    expect(layers).toContain(networkLayer);
  });

  const FILES = {
    opnsense: OPNSENSE_CONFIG,
    pfsense: PFSENSE_CONFIG,
    vyos: VYOS_SCRIPT,
    linux: LINUX_FILES.nftables,
  } as const;

  it('has one backend per platform, registered under its own name', () => {
    for (const [platform, backend] of Object.entries(firewallBackends))
      expect(backend.platform).toBe(platform);
    expect(Object.keys(firewallBackends).sort()).toEqual(Object.keys(FILES).sort());
  });

  it('compiles the policy once per Site and shares it between render, rules and the proof', () => {
    const site = referenceSite();
    const model = networkModel(site);
    expect(networkModel(site)).toBe(model);
    renderNetwork(site);
    networkRules(site);
    expect(networkModel(site)).toBe(model);
    expect(networkModel(referenceSite())).not.toBe(model);
  });

  it.each(Object.entries(FILES) as [keyof typeof FILES, string][])(
    '%s: renders its firewall and the policy document, and nothing of the others',
    (platform, file) => {
      const site = referenceSite();
      site.firewall.platform = platform;
      const tree = renderNetwork(site);
      expect(tree.has(file)).toBe(true);
      expect(tree.has(NETWORK_POLICY_MD_PATH)).toBe(true);
      for (const other of Object.values(FILES)) if (other !== file) expect(tree.has(other)).toBe(false);
      for (const [, f] of tree.entries()) expect(f.layer).toBe('network');
    },
  );

  it('renders the same bytes twice', () => {
    const a = renderNetwork(referenceSite()).entries();
    const b = renderNetwork(referenceSite()).entries();
    expect(b).toEqual(a);
  });

  it('shows the matrix with ports and marks the diagonal', () => {
    const md = renderNetwork(fixtureSite()).get(NETWORK_POLICY_MD_PATH)!.content;
    expect(md).toMatch(
      /\| servers \| udp 53, 67, 123; tcp 53, 9100 \(some hosts\); ping \| tcp 1514, 1515, 9100 \(some hosts\) \| same VLAN \|/,
    );
    expect(md).toMatch(/\| security \|[^\n]*\| tcp 80, 443 \(logged\) \|/);
    expect(md).toContain('gateway<-tailnet');
  });

  it('refuses, loudly, a policy it cannot build, and reports it as a diagnostic too', () => {
    const site = fixtureSite();
    site.flows.push({
      id: 'tpot->apps',
      service: 'x',
      from: { kind: 'host', host: 'tpot' },
      to: { kind: 'host', host: 'apps' },
      protocol: 'tcp',
      ports: [22],
      why: 'x',
    });
    expect(() => renderNetwork(site)).toThrow(UserError);
    const diags = networkLayer.rules!(site);
    expect(diags.find((d) => d.code === 'net/policy')).toMatchObject({ severity: 'error' });
  });

  it.each(['opnsense', 'pfsense', 'vyos', 'linux'] as const)(
    '%s: check proves the rendered output equals the policy',
    (platform) => {
      const site = referenceSite();
      site.firewall.platform = platform;
      expect(networkRules(site).filter((d) => d.code === 'net/equivalence')).toEqual([]);
      expect(proveEquivalence(networkModel(site))).toEqual([]);
    },
  );

  it('warns where VyOS must rename NICs and notes hosts that DHCP will not serve', () => {
    const site = fixtureSite();
    site.firewall.platform = 'vyos';
    const codes = networkLayer.rules!(site).map((d) => d.code);
    expect(codes).toContain('net/vyos-nic');
    expect(codes).toContain('net/static-only');
  });
});
