// pfSense output: stable unique trackers, rules grouped per interface in policy order, DHCP and DNS content.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceSite } from '../../../../test/support/example-sites.ts';
import { childNames, children, field, parseXml } from '../equivalence/xml.ts';
import { compileAddressing } from '../policy/addressing.ts';
import { compilePolicy } from '../policy/compile.ts';
import { PFSENSE_NODE_EXPORTER_PORT, renderPfsenseConfig } from './config-xml.ts';

describe('pfSense config.xml', () => {
  const site = referenceSite();
  const policy = compilePolicy(site);
  const xml = renderPfsenseConfig(site, policy, compileAddressing(site));
  const root = parseXml(xml).pfsense![0]!;
  const rules = children(children(root, 'filter')[0]!, 'rule');

  it('gives every rule a unique ten-digit tracker that does not change between renders', () => {
    const trackers = rules.map((r) => field(r, 'tracker'));
    expect(new Set(trackers).size).toBe(rules.length);
    for (const t of trackers) expect(t).toMatch(/^\d{10}$/);
    expect(renderPfsenseConfig(site, policy, compileAddressing(site))).toBe(xml);
  });

  it('groups rules per interface, each group in policy order, ending in its default deny', () => {
    const ifs = rules.map((r) => field(r, 'interface'));
    const firstSeen = [...new Set(ifs)];
    const grouped = firstSeen.flatMap((i) => ifs.filter((x) => x === i));
    expect(ifs).toEqual(grouped);
    for (const i of firstSeen) {
      const last = rules.filter((r) => field(r, 'interface') === i).at(-1)!;
      expect(field(last, 'type')).toBe('block');
    }
  });

  it('serves DHCP with static maps and names every host in the resolver', () => {
    const lan = children(children(root, 'dhcpd')[0]!, 'lan')[0]!;
    expect(children(lan, 'staticmap').length).toBeGreaterThan(0);
    const hosts = children(children(root, 'unbound')[0]!, 'hosts').map((h) => field(h, 'host'));
    for (const h of site.hosts) if (h.name !== site.firewall.host) expect(hosts).toContain(h.name);
    expect(hosts).not.toContain(site.firewall.host);
  });

  it("configures Netgate's node_exporter package: on, on the interface with the firewall's address, port 9100, only the package's own fields", () => {
    const config = children(
      children(children(root, 'installedpackages')[0]!, 'nodeexporter')[0]!,
      'config',
    )[0]!;
    expect(field(config, 'enable')).toBe('on');
    expect(field(config, 'listen_port')).toBe(PFSENSE_NODE_EXPORTER_PORT);
    const fw = site.hosts.find((h) => h.name === site.firewall.host)!;
    const iface = children(children(root, 'interfaces')[0]!, field(config, 'listen_iface'))[0]!;
    expect(field(iface, 'ipaddr')).toBe(fw.address);
    // the package's form (pfsense/FreeBSD-ports, test/reference/pfsense/node_exporter.xml) names every key and collector
    const form = parseXml(
      readFileSync(new URL('../../../../test/reference/pfsense/node_exporter.xml', import.meta.url), 'utf8'),
    ).packagegui![0]!;
    const fields = children(children(form, 'fields')[0]!, 'field');
    const names = fields.map((f) => field(f, 'fieldname'));
    expect(childNames(config).sort()).toEqual([
      'collectors',
      'enable',
      'extra_flags',
      'listen_iface',
      'listen_port',
    ]);
    for (const k of childNames(config)) expect(names, k).toContain(k);
    const collectors = fields.find((f) => field(f, 'fieldname') === 'collectors')!;
    const options = children(children(collectors, 'options')[0]!, 'option').map((o) => field(o, 'value'));
    for (const c of field(config, 'collectors').split(',')) expect(options, c).toContain(c);
  });
});
