// The lab topology, planned without root: real addresses, every link inside the lab, nothing routed out.
import { describe, expect, it } from 'vitest';
import { fixtureSite } from '../../test/support/network-fixture.ts';
import { renderLinuxRouter } from '../layers/network/linux/render.ts';
import { labListeners } from './listeners.ts';
import { LAB_PREFIX, LAB_WAN, labNames } from './names.ts';
import { planLab } from './plan.ts';

const site = fixtureSite();
const router = renderLinuxRouter(site);
const veth = planLab(site, router, 'abc123', 'veth');
const trunk = planLab(site, router, 'abc123', 'trunk');

describe('lab plan', () => {
  it('names every namespace with the prefix and run id, and rejects a bad id', () => {
    for (const n of veth.namespaces) expect(n.startsWith(`${LAB_PREFIX}abc123-`)).toBe(true);
    expect(new Set(veth.namespaces).size).toBe(veth.namespaces.length);
    expect(() => labNames('../etc')).toThrow(/6 hex digits/);
  });

  it('puts every host and VIP at its real address in its VLAN namespace, the firewall host on the router', () => {
    for (const h of site.hosts) {
      const v = veth.vlans.find((x) => x.zone === h.vlan)!;
      const here = v.members.some((m) => m.address === h.address);
      expect(here, h.name).toBe(h.name !== site.firewall.host);
    }
    for (const vip of site.vips) {
      expect(veth.vlans.find((x) => x.zone === vip.vlan)!.members.map((m) => m.address)).toContain(
        vip.address,
      );
    }
    const used = new Set([...site.hosts.map((h) => h.address), ...site.vips.map((v) => v.address)]);
    for (const v of veth.vlans) expect(used.has(v.probeAddress)).toBe(false);
  });

  it('creates links only inside lab namespaces: every veth peer goes into one, nothing stays in the host', () => {
    for (const plan of [veth, trunk]) {
      for (const b of plan.links) {
        expect(plan.namespaces).toContain(b.netns);
        for (const line of b.lines.filter((l) => l.includes('type veth'))) {
          expect(line).toMatch(new RegExp(`peer name \\S+ netns ${LAB_PREFIX}abc123-`));
        }
      }
      for (const b of plan.config) expect(plan.namespaces).toContain(b.netns);
    }
  });

  it('routes only inside the lab: clients via their gateway, the router via the stand-in ISP, the ISP back to the router', () => {
    const routes = veth.config.flatMap((b) =>
      b.lines.filter((l) => l.startsWith('route ')).map((l) => `${b.netns} ${l}`),
    );
    const gateways = new Set([...veth.vlans.map((v) => v.gateway), LAB_WAN.isp, LAB_WAN.router]);
    for (const r of routes) expect(gateways.has(r.split(' via ')[1]!), r).toBe(true);
    const inet = veth.config.find((b) => b.netns === veth.names.inet)!;
    expect(inet.lines.some((l) => l.startsWith('route add default'))).toBe(false);
  });

  it('veth mode: one link per VLAN named like the router interface; trunk mode: 802.1Q subinterfaces', () => {
    const r = veth.links.find((b) => b.netns === veth.names.router)!.lines;
    expect(r).toContain(`link add name vlan10 type veth peer name r10 netns ${veth.names.switch}`);
    const t = trunk.links.find((b) => b.netns === trunk.names.router)!.lines;
    expect(t).toContain(`link add name igc1 type veth peer name trunk netns ${trunk.names.switch}`);
    expect(t).toContain('link add link igc1 name vlan10 type vlan id 10');
    expect(trunk.links.find((b) => b.netns === trunk.names.switch)!.lines).toContain(
      'link add link trunk name t10 type vlan id 10',
    );
    // The switch side of the trunk exists only after the router created it.
    expect(trunk.links.map((b) => b.netns)).toEqual([trunk.names.router, trunk.names.switch]);
  });

  it('one DHCP client per pool and per fixed lease, each on its own interface and MAC', () => {
    const pools = veth.dhcp.filter((d) => d.expect.kind === 'pool');
    expect(pools.map((d) => d.zone)).toEqual(router.addressing.scopes.map((s) => s.zone));
    const fixed = veth.dhcp.filter((d) => d.expect.kind === 'fixed');
    expect(fixed.map((d) => d.mac)).toEqual(router.addressing.mappings.map((m) => m.mac));
    expect(new Set(veth.dhcp.map((d) => d.iface)).size).toBe(veth.dhcp.length);
    for (const d of veth.dhcp) expect(d.iface.length).toBeLessThanOrEqual(15);
  });

  it('listens on service ports and on every port the policy opens, never on the ports dnsmasq holds', () => {
    const l = labListeners(site, router, veth.vlans);
    const servers = l.vlans.get('servers')!;
    expect(servers).toContainEqual({ address: '10.20.20.11', proto: 'tcp', port: 443 });
    expect(servers).toContainEqual({ address: '10.20.20.11', proto: 'tcp', port: 2283 });
    expect(l.vlans.get('mgmt')).toContainEqual({ address: '10.20.10.14', proto: 'tcp', port: 1514 });
    expect(l.router).toContainEqual({ address: '0.0.0.0', proto: 'tcp', port: 9100 });
    expect(l.router.some((x) => x.port === 53 || x.port === 67)).toBe(false);
    expect(l.internet.map((x) => `${x.proto}/${x.port}`)).toEqual(
      expect.arrayContaining(['tcp/443', 'tcp/22']),
    );
  });
});
