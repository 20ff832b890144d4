// The policy compiler: baseline, flows, egress, isolation and determinism.
import { describe, expect, it } from 'vitest';
import { referenceSite } from '../../../../test/support/example-sites.ts';
import { fixtureSite } from '../../../../test/support/network-fixture.ts';
import { UserError } from '../../../errors.ts';
import { compileAddressing } from './addressing.ts';
import { compilePolicy } from './compile.ts';
import { SET_NAME_PATTERN, setName } from './names.ts';
import { FIREWALL, INTERNET } from './types.ts';

describe('compilePolicy', () => {
  const site = fixtureSite();
  const policy = compilePolicy(site);
  const from = (zone: string) => policy.rules.filter((r) => r.from === zone);

  it('gives every VLAN DNS, NTP and ping to the firewall, DHCP where served, and ends with a logged deny', () => {
    for (const v of site.vlans) {
      const rules = from(v.name);
      const toFw = rules.filter((r) => r.to === FIREWALL && r.origin === 'baseline');
      expect(toFw.map((r) => `${r.protocol}:${r.ports.join(',')}`)).toEqual(
        expect.arrayContaining(['udp:53', 'tcp:53', 'udp:123', 'icmp:']),
      );
      expect(toFw.some((r) => r.ports.includes(67))).toBe(v.dhcp);
      const last = rules.at(-1)!;
      expect(last).toMatchObject({ to: 'any', protocol: 'any', action: 'block', log: true });
    }
  });

  it('lets management reach every other VLAN and nothing else do so without a flow', () => {
    const mgmt = from('mgmt').filter((r) => r.protocol === 'any' && r.action === 'pass');
    expect(mgmt.map((r) => r.to).sort()).toEqual([
      'ai',
      'clients',
      'devops',
      'firewall',
      'internet',
      'security',
      'servers',
    ]);
    for (const r of policy.rules) {
      if (r.from === 'mgmt' || r.action === 'block') continue;
      if (r.origin === 'flow') expect(r.flowId).toBeDefined();
      else expect([FIREWALL, INTERNET]).toContain(r.to);
    }
  });

  it('opens exactly the declared flow ports between VLANs, with address sets on both ends', () => {
    const wazuh = policy.rules.filter((r) => r.flowId === 'wazuh-agent->manager');
    expect(wazuh.map((r) => [r.from, r.fromAddrs, r.to, r.toAddrs, r.ports])).toEqual([
      ['servers', 'role_wazuh_agent_servers', 'mgmt', 'role_wazuh_manager', [1514, 1515]],
      ['devops', 'role_wazuh_agent_devops', 'mgmt', 'role_wazuh_manager', [1514, 1515]],
    ]);
    const set = policy.sets.find((s) => s.name === 'role_node_exporter_mgmt')!;
    expect(set.addresses).toEqual(['10.20.10.11', '10.20.10.12', '10.20.10.13', '10.20.10.14']);
    const fw = policy.rules.find((r) => r.flowId === 'prometheus->fw')!;
    expect(fw).toMatchObject({ from: 'servers', to: FIREWALL, ports: [9100] });
  });

  it('keeps what the firewall cannot see as unenforced with a reason, never silently', () => {
    const ids = policy.unenforced.map((u) => u.flowId);
    expect(ids).toContain('gateway<-tailnet');
    expect(ids).toContain('pve->pbs');
  });

  it('gives the security VLAN web-only, logged egress and nothing internal', () => {
    const sec = from('security');
    const passes = sec.filter((r) => r.action === 'pass');
    expect(passes.every((r) => r.to === FIREWALL || r.to === INTERNET)).toBe(true);
    expect(sec.find((r) => r.to === INTERNET)).toMatchObject({
      protocol: 'tcp',
      ports: [80, 443],
      log: true,
    });
  });

  it('refuses a flow from the security VLAN to an internal VLAN', () => {
    const bad = fixtureSite();
    bad.flows.push({
      id: 'tpot->monitor',
      service: 'tpot',
      from: { kind: 'host', host: 'tpot' },
      to: { kind: 'host', host: 'monitor' },
      protocol: 'tcp',
      ports: [9200],
      why: 'x',
    });
    expect(() => compilePolicy(bad)).toThrow(UserError);
    expect(() => compilePolicy(bad)).toThrow(
      /security VLAN security reach servers; the security VLAN must reach nothing internal/,
    );
  });

  it('refuses inbound flows from the internet and reserved VLAN names', () => {
    const inbound = fixtureSite();
    inbound.flows.push({
      id: 'web-in',
      service: 'x',
      from: { kind: 'internet' },
      to: { kind: 'host', host: 'apps' },
      protocol: 'tcp',
      ports: [443],
      why: 'x',
    });
    expect(() => compilePolicy(inbound)).toThrow(/comes from the internet/);
    const reserved = fixtureSite();
    reserved.vlans[5]!.name = 'wan';
    expect(() => compilePolicy(reserved)).toThrow(/reserved/);
  });

  it('is deterministic, has unique ids, and does not depend on flow order', () => {
    const again = fixtureSite();
    again.flows.reverse();
    expect(compilePolicy(again)).toEqual(policy);
    expect(new Set(policy.rules.map((r) => r.id)).size).toBe(policy.rules.length);
  });

  it('names sets so every backend accepts them', () => {
    for (const s of policy.sets) expect(s.name).toMatch(SET_NAME_PATTERN);
    const long = setName('role', 'a-very-long-role-name-for-testing', 'another-zone');
    expect(long).toMatch(SET_NAME_PATTERN);
    expect(long).not.toBe(setName('role', 'a-very-long-role-name-for-testing', 'another-zonf'));
  });
});

describe('compileAddressing', () => {
  const site = fixtureSite();
  const a = compileAddressing(site);

  it('serves DHCP on every VLAN that asks for it, with a fixed lease for every host with a MAC', () => {
    expect(a.scopes.map((s) => s.zone)).toEqual(['mgmt', 'servers', 'devops', 'ai', 'clients']);
    const withMac = site.hosts.filter((h) => h.mac && h.vlan !== 'security').map((h) => h.name);
    expect(a.mappings.map((m) => m.host).sort()).toEqual(withMac.sort());
  });

  it('names every host, VIP and service under the site domain', () => {
    const names = a.records.map((r) => r.name);
    for (const h of site.hosts) expect(names).toContain(h.name);
    expect(a.records.find((r) => r.name === 'k3s-api')?.address).toBe('10.20.30.200');
    expect(a.records.find((r) => r.name === 'photos')?.address).toBe('10.20.20.11');
  });

  it('refuses two names for one record and shared MACs', () => {
    const dup = fixtureSite();
    dup.services[0]!.fqdn = 'pve1.lab.example.com';
    expect(() => compileAddressing(dup)).toThrow(/would point at both/);
    const mac = fixtureSite();
    mac.hosts[2]!.mac = mac.hosts[1]!.mac;
    expect(() => compileAddressing(mac)).toThrow(/share the MAC/);
  });
});

describe('compilePolicy on the resolved reference build', () => {
  const site = referenceSite();
  const policy = compilePolicy(site);

  it('opens the flows the issue names and nothing from the security VLAN inward', () => {
    const has = (from: string, to: string, port: number) =>
      policy.rules.some(
        (r) => r.action === 'pass' && r.from === from && r.to === to && r.ports.includes(port),
      );
    expect(has('servers', 'mgmt', 9100)).toBe(true);
    expect(has('devops', 'servers', 6443)).toBe(true);
    expect(has('servers', 'mgmt', 1514)).toBe(true);
    const sec = policy.rules.filter((r) => r.from === 'security' && r.action === 'pass');
    expect(sec.every((r) => r.to === FIREWALL || r.to === INTERNET)).toBe(true);
  });

  it('merges flows that differ only in destination host into one rule over one set', () => {
    const scrape = policy.rules.filter(
      (r) => r.from === 'servers' && r.to === 'mgmt' && r.ports.includes(9100),
    );
    expect(scrape).toHaveLength(1);
    const members = policy.sets.find((s) => s.name === scrape[0]!.toAddrs)!.addresses;
    const expected = site.hosts.filter((h) => h.vlan === 'mgmt' && h.name !== site.firewall.host);
    const viaFlows = expected.filter((h) =>
      site.flows.some((f) => f.service === 'node-exporter' && f.to.kind === 'host' && f.to.host === h.name),
    );
    expect(members).toEqual(
      viaFlows.map((h) => h.address).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    );
    expect(scrape[0]!.flowIds!.length).toBe(viaFlows.length);
  });

  it('references only sets it defines and defines only sets it references', () => {
    const used = new Set(policy.rules.flatMap((r) => [r.fromAddrs, r.toAddrs]).filter(Boolean));
    expect(new Set(policy.sets.map((s) => s.name))).toEqual(used);
  });
});
