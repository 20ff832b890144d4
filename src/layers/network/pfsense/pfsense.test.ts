// pfSense output: stable unique trackers, rules grouped per interface in policy order, DHCP and DNS content.
import { describe, expect, it } from 'vitest';
import { referenceSite } from '../../../../test/support/example-sites.ts';
import { children, field, parseXml } from '../equivalence/xml.ts';
import { compileAddressing } from '../policy/addressing.ts';
import { compilePolicy } from '../policy/compile.ts';
import { renderPfsenseConfig } from './config-xml.ts';

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
});
