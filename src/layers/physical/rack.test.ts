// The rack map: Beelab's layout per tier (the reference build fills its 16U), the user's own placement, and
// docs/rack.md and docs/rack.svg with every U once, every racked host's name, role and address, valid XML.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { syntheticSpec } from '../../../test/support/synthetic.ts';
import type { SiteContribution } from '../../site/contribution.ts';
import { resolve } from '../../site/resolve.ts';
import type { Rack, Site } from '../../site/types.ts';
import type { Spec, Tier } from '../../spec/schema.ts';
import { tierDefaults } from '../../spec/tiers.ts';
import { siteContributions } from '../index.ts';
import { rackSlice } from './rack.ts';
import { renderRackMd, renderRackSvg } from './rack-docs.ts';

/** The registered layers plus the rack slice (the physical layer contributes it once it is wired in). */
const contributions: SiteContribution[] = [...siteContributions, { slice: (ctx) => rackSlice(ctx) }];
const siteOf = (spec: Spec): Site => resolve(spec, undefined, contributions).site;
const tier = (t: Tier) => siteOf(tierDefaults(t));

/** `U16 patch-panel` lines, top to bottom, for comparing layouts at a glance. */
const layout = (rack: Rack) =>
  rack.items.map((it) => `${it.height > 1 ? `U${it.u}-${it.u + it.height - 1}` : `U${it.u}`} ${it.name}`);

/** Every U an item takes, each once, inside the rack. */
function expectNoOverlap(rack: Rack): void {
  const taken = rack.items.flatMap((it) => Array.from({ length: it.height }, (_, k) => it.u + k));
  expect(new Set(taken).size).toBe(taken.length);
  expect(Math.min(...taken)).toBeGreaterThanOrEqual(1);
  expect(Math.max(...taken)).toBeLessThanOrEqual(rack.units);
}

describe('the rack Beelab derives from the site', () => {
  it('fills the reference build 16U rack: network on top, nodes, backup, security, Macs and Pis, the UPS at U1', () => {
    const rack = tier('reference').rack!;
    expect(rack).toMatchObject({ units: 16, needed: 16, placement: 'derived', elsewhere: ['plug-pve'] });
    expect(layout(rack)).toEqual([
      'U16 patch-panel',
      'U15 switch',
      'U14 fw',
      'U13 pve1',
      'U12 pve2',
      'U11 pve3',
      'U9-10 pbs1',
      'U8 pbs2',
      'U7 sec1',
      'U4-6 mac-shelf',
      'U3 pi-shelf',
      'U1-2 ups',
    ]);
    expect(rack.items.find((it) => it.name === 'mac-shelf')!.hosts).toEqual([
      'ai-head',
      'ai-2',
      'ai-agent1',
      'ai-agent2',
    ]);
    expect(rack.items.find((it) => it.name === 'ups')!.label).toBe('APC Smart-UPS 1500 RM 2U');
  });

  it('derives the smaller tiers into the smallest standard rack that holds them', () => {
    const compact = tier('compact').rack!;
    expect(compact.units).toBe(12);
    expect(layout(compact)).toEqual([
      'U12 patch-panel',
      'U11 switch',
      'U10 fw',
      'U9 pve1',
      'U8 pve2',
      'U7 pve3',
      'U4-6 mac-shelf',
      'U3 pi-shelf',
    ]);
    const single = tier('single').rack!;
    // One box: the firewall is a VM on it, so only the network gear and the node are racked.
    expect(single.units).toBe(6);
    expect(layout(single)).toEqual(['U6 patch-panel', 'U5 switch', 'U4 pve1']);
  });

  it('racks every machine of the site once, or lists it as elsewhere; never a VM', () => {
    for (const t of ['reference', 'compact', 'single'] as const) {
      const site = tier(t);
      const rack = site.rack!;
      expectNoOverlap(rack);
      const racked = rack.items.flatMap((it) => it.hosts);
      expect(new Set(racked).size).toBe(racked.length);
      const machines = site.hosts.filter((h) => h.kind !== 'vm').map((h) => h.name);
      expect([...racked, ...rack.elsewhere].sort()).toEqual([...machines].sort());
    }
  });

  it('keeps the layout in a taller rack the spec asks for: top down from the top, the UPS at U1', () => {
    const rack = siteOf({ ...tierDefaults('reference'), rack: { units: 22 } }).rack!;
    expect(rack.units).toBe(22);
    expect(layout(rack).slice(0, 2)).toEqual(['U22 patch-panel', 'U21 switch']);
    expect(layout(rack).at(-1)).toBe('U1-2 ups');
    expectNoOverlap(rack);
  });

  it('grows past the largest standard rack at 200 nodes without overlapping', () => {
    const site = siteOf(syntheticSpec(200));
    const rack = site.rack!;
    expect(rack.units).toBe(rack.needed);
    expect(rack.units).toBeGreaterThan(200);
    expectNoOverlap(rack);
  });

  it('sizes by model and kind: a height written in the model wins, a mini PC backup server is 1U', () => {
    const spec = tierDefaults('reference');
    spec.nodes = spec.nodes!.map((n) =>
      n.name === 'pve3'
        ? { ...n, model: 'Dell PowerEdge R740 2U' }
        : n.name === 'pbs1'
          ? { ...n, model: 'Lenovo ThinkCentre M90q Tiny' }
          : n,
    );
    const rack = siteOf(spec).rack!;
    expect(rack.items.find((it) => it.name === 'pve3')!.height).toBe(2);
    expect(rack.items.find((it) => it.name === 'pbs1')!.height).toBe(1);
  });
});

describe('the rack the spec places', () => {
  it('the `rack:` block docs/rack.md offers gives back the derived layout, item for item', () => {
    for (const t of ['reference', 'compact', 'single'] as const) {
      const derived = tier(t);
      const block = /```yaml\n([\s\S]*?)```/.exec(renderRackMd(derived))![1]!;
      const placed = siteOf({ ...tierDefaults(t), ...parseYaml(block) }).rack!;
      expect(placed.placement).toBe('spec');
      const strip = (r: Rack) => r.items.map(({ device: _d, ...it }) => it);
      expect(strip(placed)).toEqual(strip(derived.rack!));
      expect(placed.units).toBe(derived.rack!.units);
      expect(placed.elsewhere).toEqual(derived.rack!.elsewhere);
    }
  });

  it('takes the items as written, with heights by kind, and lists what it leaves out', () => {
    const spec: Spec = {
      ...tierDefaults('compact'),
      rack: {
        devices: [
          { name: 'pve1', u: 1 },
          { name: 'pdu', kind: 'pdu', u: 2, label: 'APC AP7920B' },
          { name: 'macs', kind: 'shelf', u: 3, hosts: ['ai-head'] },
        ],
      },
    };
    const rack = siteOf(spec).rack!;
    expect(layout(rack)).toEqual(['U3-5 macs', 'U2 pdu', 'U1 pve1']);
    expect(rack.units).toBe(6);
    expect(rack.items.map((it) => it.device)).toEqual([2, 1, 0]);
    expect(rack.items.find((it) => it.name === 'pdu')!.label).toBe('APC AP7920B');
    expect(rack.elsewhere).toEqual(['fw', 'plug-pve', 'pve2', 'pve3', 'wd1']);
  });
});

/** The text of every <text> element, with its class. */
function svgTexts(svg: string): { cls: string; text: string }[] {
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'text' || name === 'g',
    parseTagValue: false,
  }).parse(svg);
  const out: { cls: string; text: string }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'text')
        for (const t of value as ({ '#text'?: string; class?: string } | string)[])
          out.push(
            typeof t === 'string'
              ? { cls: '', text: t }
              : { cls: t.class ?? '', text: String(t['#text'] ?? '') },
          );
      else walk(value);
    }
  };
  walk(doc);
  return out;
}

describe('docs/rack.svg', () => {
  for (const t of ['reference', 'compact', 'single'] as const) {
    it(`${t}: valid XML, every U once, every racked host with its address, deterministic`, () => {
      const site = tier(t);
      const svg = renderRackSvg(site);
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(svg).toBe(renderRackSvg(tier(t)));
      const texts = svgTexts(svg);
      const units = texts.filter((x) => x.cls === 'u').map((x) => Number(x.text));
      expect([...units].sort((a, b) => a - b)).toEqual(
        Array.from({ length: site.rack!.units }, (_, i) => i + 1),
      );
      const all = texts.map((x) => x.text).join('\n');
      for (const name of site.rack!.items.flatMap((it) => it.hosts)) {
        const host = site.hosts.find((h) => h.name === name)!;
        expect(all).toContain(`${name} · `);
        expect(all).toContain(host.address);
      }
      for (const name of site.rack!.elsewhere) expect(all).toContain(`${name} · `);
      expect(svg).toContain('@media (prefers-color-scheme: dark)');
    });
  }

  it('escapes what a label may hold, and keeps text as text', () => {
    const site = siteOf({
      ...tierDefaults('single'),
      rack: { devices: [{ name: 'pve1', u: 1, label: 'R&D <box> "one"' }] },
    });
    const svg = renderRackSvg(site);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('>R&amp;D &lt;box&gt; &quot;one&quot;</text>');
    expect(svgTexts(svg).map((x) => x.text)).toContain('R&D <box> "one"');
  });
});

describe('docs/rack.md', () => {
  it('has one row per U, top to bottom, and each racked host with its role and address', () => {
    const site = tier('reference');
    const md = renderRackMd(site);
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows.map((r) => Number(r.split('|')[1]))).toEqual(Array.from({ length: 16 }, (_, i) => 16 - i));
    expect(md).toContain(
      '| 13 | Minisforum MS-01 | `pve1` | Proxmox VE primary, ZFS pool tank, NUT server | `10.20.10.11` |',
    );
    expect(md).toContain('| 9 | ↑ HPE ProLiant MicroServer Gen11 (U9–U10) |');
    expect(md).toContain('`ai-head`<br>`ai-2`<br>`ai-agent1`<br>`ai-agent2`');
    expect(md).toContain('| 1 | ↑ APC Smart-UPS 1500 RM 2U (U1–U2) |');
    expect(md).toContain('## Not in the rack');
    expect(md).toContain('`plug-pve`');
    expect(md).toBe(renderRackMd(tier('reference')));
  });

  it('shows free U and offers no pin block when the spec placed the items', () => {
    const site = siteOf({ ...tierDefaults('single'), rack: { units: 9, devices: [{ name: 'pve1', u: 4 }] } });
    const md = renderRackMd(site);
    expect(md).toContain('- 1 of 9U used; free: U1–U3, U5–U9');
    expect(md).toContain('Placed as beelab.yaml `rack.devices` says.');
    expect(md).not.toContain('## Pin this layout');
    expect(md).toContain('| 5 | free |');
  });
});
