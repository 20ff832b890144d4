// VyOS output: Kea DHCP with subnet-id, static mappings, DNS records, NAT, and refusal of what it cannot order.
import { describe, expect, it } from 'vitest';
import { fixtureSite } from '../../../../test/support/network-fixture.ts';
import { UserError } from '../../../errors.ts';
import { compileAddressing } from '../policy/addressing.ts';
import { compilePolicy } from '../policy/compile.ts';
import { vyosFirewall } from './firewall.ts';
import { renderVyosScript, vyosInterfaces } from './render.ts';

describe('VyOS script', () => {
  const site = fixtureSite();
  const policy = compilePolicy(site);
  const text = renderVyosScript(site, policy, compileAddressing(site));
  const lines = text.split('\n');

  it('is a vbash script that commits once', () => {
    expect(lines[0]).toBe('#!/bin/vbash');
    expect(lines.filter((l) => l === 'commit')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('set ')).every((l) => !l.includes('undefined'))).toBe(true);
  });

  it('gives every DHCP VLAN a Kea subnet with subnet-id = tag, and a static mapping per known MAC', () => {
    expect(text).toContain(
      "set service dhcp-server shared-network-name 'servers' subnet '10.20.20.0/24' subnet-id '20'",
    );
    expect(text).toContain(
      "set service dhcp-server shared-network-name 'mgmt' subnet '10.20.10.0/24' static-mapping 'pve1' mac 'bc:24:11:00:00:11'",
    );
    expect(text).not.toContain("shared-network-name 'security'");
  });

  it('serves the site domain and masquerades only zones with egress', () => {
    expect(text).toContain("authoritative-domain 'lab.example.com' records a 'photos' address '10.20.20.11'");
    expect(lines.filter((l) => l.includes("translation address 'masquerade'"))).toHaveLength(
      policy.nat.length,
    );
  });

  it('uses eth names and puts each VLAN on a vif of the trunk', () => {
    expect(text).toContain("set interfaces ethernet eth1 vif 30 address '10.20.30.1/24'");
    expect(text).toContain("set firewall ipv4 forward filter rule 20 inbound-interface name 'eth1.20'");
  });

  it('refuses a rule to every destination that is not the last of its zone', () => {
    const broken = structuredClone(policy);
    const i = broken.rules.findIndex((r) => r.from === 'servers');
    broken.rules.splice(i, 0, {
      ...broken.rules.find((r) => r.id === 'default/servers')!,
      id: 'early-any',
      action: 'pass',
    });
    expect(() => vyosFirewall(broken, vyosInterfaces(site, broken))).toThrow(UserError);
  });
});
