// Every backend's output, parsed back, enforces exactly the policy: same tuples, same order per zone.
import { describe, expect, it } from 'vitest';
import { exampleSite, referenceSite } from '../../../../test/support/example-sites.ts';
import { fixtureSite } from '../../../../test/support/network-fixture.ts';
import type { Site } from '../../../site/types.ts';
import { renderLinuxRouter } from '../linux/render.ts';
import { renderOpnsenseConfig } from '../opnsense/config-xml.ts';
import { renderPfsenseConfig } from '../pfsense/config-xml.ts';
import { compileAddressing } from '../policy/addressing.ts';
import { compilePolicy } from '../policy/compile.ts';
import type { Policy } from '../policy/types.ts';
import { renderVyosScript } from '../vyos/render.ts';
import { parseNftables } from './nftables.ts';
import { parseOpnsense } from './opnsense.ts';
import { parsePfsense } from './pfsense.ts';
import { canonicalOrder, diffTuples, type PolicyTuple, policyTuples } from './tuples.ts';
import { parseVyos } from './vyos.ts';

const zoneByTag = (p: Policy) =>
  new Map(p.zones.filter((z) => z.kind === 'vlan').map((z) => [z.tag!, z.name]));

interface Backend {
  name: string;
  /** Renders the backend's output and parses it back. */
  roundTrip(site: Site, policy: Policy, mutate?: (text: string) => string): PolicyTuple[];
  /** True when the backend keeps input and forward apart, so only canonical order is comparable. */
  canonical: boolean;
  /** A realistic mistake in the output: the test must catch it. */
  breakIt(text: string): string;
}

const id = (t: string) => t;
const backends: Backend[] = [
  {
    name: 'opnsense',
    canonical: false,
    roundTrip: (site, p, m = id) =>
      parseOpnsense(m(renderOpnsenseConfig(site, p, compileAddressing(site))), zoneByTag(p)),
    breakIt: (t) =>
      t.replace('<destination_port>9100</destination_port>', '<destination_port>9101</destination_port>'),
  },
  {
    name: 'pfsense',
    canonical: false,
    roundTrip: (site, p, m = id) =>
      parsePfsense(m(renderPfsenseConfig(site, p, compileAddressing(site))), zoneByTag(p)),
    breakIt: (t) =>
      t.replace(/<rule>\s*<tracker>\d+<\/tracker>\s*<type>pass<\/type>/, (s) => s.replace('pass', 'block')),
  },
  {
    name: 'vyos',
    canonical: true,
    roundTrip: (site, p, m = id) =>
      parseVyos(m(renderVyosScript(site, p, compileAddressing(site))), zoneByTag(p)),
    breakIt: (t) => t.replace(/\n[^\n]*destination port '9100'/, ''),
  },
  {
    name: 'linux',
    canonical: true,
    roundTrip: (site, _p, m = id) => {
      const r = renderLinuxRouter(site);
      return parseNftables(m(r.nftables), r.ifs);
    },
    breakIt: (t) => t.replace(/tcp dport 9100/, 'tcp dport 9101'),
  },
];

describe.each(backends)('$name output is equivalent to the policy', (b) => {
  for (const [label, make] of [
    ['reference build', referenceSite],
    ['compact build', () => exampleSite('compact')],
    ['fixture site', fixtureSite],
  ] as const) {
    it(`${label}: parsed tuples equal the policy's`, () => {
      const site = make();
      const policy = compilePolicy(site);
      const expected = policyTuples(policy);
      const actual = b.roundTrip(site, policy);
      const diff = b.canonical ? diffTuples(canonicalOrder(expected), actual) : diffTuples(expected, actual);
      expect(diff).toEqual([]);
      expect(actual.length).toBe(expected.length);
    });
  }

  it('notices a changed rule', () => {
    const site = referenceSite();
    const policy = compilePolicy(site);
    const expected = policyTuples(policy);
    const actual = b.roundTrip(site, policy, b.breakIt);
    const diff = b.canonical ? diffTuples(canonicalOrder(expected), actual) : diffTuples(expected, actual);
    expect(diff.length).toBeGreaterThan(0);
  });
});
