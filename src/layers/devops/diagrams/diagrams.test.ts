// docs/architecture.svg and docs/network.svg: valid XML, every host of the Site as selectable text, the same
// bytes on every render, legible at 200 nodes and with 1000 VLANs (grouped and summarised, not shrunk).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { manyVlansSpec, syntheticSpec } from '../../../../test/support/synthetic.ts';
import type { Site } from '../../../site/types.ts';
import { renderContext, resolveSite } from '../../index.ts';
import { renderArchitectureSvg } from './architecture.ts';
import { layout } from './elk.ts';
import { MAX_VLAN_NODES, renderNetworkSvg } from './network.ts';

interface Node {
  [key: string]: unknown;
}

/** Every element of a parsed document (preserveOrder form), depth first. */
function* elements(nodes: Node[]): Generator<[string, Node, Node[]]> {
  for (const n of nodes) {
    for (const [k, v] of Object.entries(n)) {
      if (k === ':@' || k === '#text' || !Array.isArray(v)) continue;
      yield [k, (n[':@'] as Node | undefined) ?? {}, v as Node[]];
      yield* elements(v as Node[]);
    }
  }
}

/** The text of every <text data-host> element, by host. */
function hostTexts(svg: string): Map<string, string[]> {
  expect(XMLValidator.validate(svg)).toBe(true);
  const doc = new XMLParser({ preserveOrder: true, ignoreAttributes: false, parseTagValue: false }).parse(
    svg,
  ) as Node[];
  const out = new Map<string, string[]>();
  for (const [tag, attrs, children] of elements(doc)) {
    const host = attrs['@_data-host'];
    if (tag !== 'text' || typeof host !== 'string') continue;
    const text = children.map((c) => String(c['#text'] ?? '')).join('');
    out.set(host, [...(out.get(host) ?? []), text]);
  }
  return out;
}

const sites: [string, () => Site][] = [
  ['reference', () => exampleSite('reference')],
  ['compact', () => exampleSite('compact')],
  ['single', () => exampleSite('single')],
  ['synthetic-200', () => resolveSite(syntheticSpec(200)).site],
];

describe.each(sites)('diagrams of %s', (_name, site) => {
  const s = site();
  const arch = renderArchitectureSvg(s, renderContext());
  const net = renderNetworkSvg(s);

  it('are SVG documents that name every host as text', () => {
    for (const svg of [arch, net]) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      const texts = hostTexts(svg);
      for (const h of s.hosts) {
        expect(
          texts.get(h.name)?.some((t) => t.startsWith(h.name)),
          `${h.name} in the diagram`,
        ).toBe(true);
      }
    }
    // The network diagram gives every host's address next to its name, the firewall's in its own box.
    const texts = hostTexts(net);
    for (const h of s.hosts.filter((x) => x.name !== s.firewall.host))
      expect(texts.get(h.name)).toContain(`${h.name}  ${h.address}`);
  });

  it('render the same bytes from a freshly resolved Site', () => {
    const again = site();
    expect(renderArchitectureSvg(again, renderContext())).toBe(arch);
    expect(renderNetworkSvg(again)).toBe(net);
  });

  it('read in light and dark mode and keep text as text', () => {
    for (const svg of [arch, net]) {
      expect(svg).toContain('@media (prefers-color-scheme: dark)');
      expect(svg).not.toMatch(/<image|<foreignObject|href="http/);
    }
  });

  it('show every VLAN with its subnet and the flows between VLANs by service and port', () => {
    for (const v of s.vlans) expect(net).toContain(`${v.name} · VLAN ${v.id} · ${v.purpose}`);
    for (const v of s.vlans) expect(net).toContain(`${v.cidr} · gateway ${v.gateway}`);
    const crossing = s.flows.find((f) => f.service === 'wazuh-manager');
    if (crossing) expect(net).toContain('wazuh-manager tcp/1514,1515');
  });
});

describe('network diagram', () => {
  it('labels the flows of the reference build by service and port', () => {
    const net = renderNetworkSvg(exampleSite('reference'));
    expect(net).toContain('>servers → mgmt<');
    expect(net).toContain('>nfs tcp/2049<');
    expect(net).toContain('>devops → servers<');
    expect(net).toContain('>kubernetes-api tcp/6443<');
    expect(net).toContain('>tailnet → servers<');
  });

  it(`summarises VLANs without hosts past ${MAX_VLAN_NODES} in one box`, () => {
    const site = resolveSite(manyVlansSpec(1000)).site;
    const net = renderNetworkSvg(site);
    const empty = site.vlans.filter((v) => !site.hosts.some((h) => h.vlan === v.name));
    expect(empty.length).toBeGreaterThan(900);
    expect(net).toContain(`${empty.length} more VLANs without hosts`);
    expect((net.match(/class="node"/g) ?? []).length).toBeLessThan(60);
  });
});

describe('ELK, called synchronously', () => {
  it('lays out a graph in place: layers left to right, label placed', () => {
    const g = layout({
      id: 'root',
      layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT' },
      children: [
        { id: 'a', width: 40, height: 20 },
        { id: 'b', width: 40, height: 20 },
      ],
      edges: [{ id: 'e', sources: ['a'], targets: ['b'], labels: [{ text: 'x', width: 10, height: 10 }] }],
    });
    const [a, b] = g.children!;
    expect(b!.x!).toBeGreaterThan(a!.x! + 40);
    expect(g.edges![0]!.sections![0]!.endPoint.x).toBe(b!.x);
    expect(g.edges![0]!.labels![0]!.x).toBeGreaterThan(a!.x!);
  });
});
