// The OPNsense config.xml checked against the 26.7.2 MVC models and the import rules PROVENANCE.md lists.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceSite } from '../../../../test/support/example-sites.ts';
import { fixtureSite } from '../../../../test/support/network-fixture.ts';
import { manyVlansSpec } from '../../../../test/support/synthetic.ts';
import { resolveSite } from '../../index.ts';
import { proveEquivalence } from '../equivalence/prove.ts';
import { children, field, parseXml } from '../equivalence/xml.ts';
import { networkModel } from '../model.ts';
import { compileAddressing } from '../policy/addressing.ts';
import { compilePolicy } from '../policy/compile.ts';
import { renderOpnsenseConfig } from './config-xml.ts';
import { checkConfig, loadModel } from './model-check.ts';

// The pinned 26.7.2 models (test data only; see test/reference/PROVENANCE.md).
const MODELS = new URL('../../../../test/reference/opnsense/models/', import.meta.url);
const models = readdirSync(MODELS)
  .filter((f) => f.endsWith('.xml'))
  .sort()
  .map((f) => loadModel(f, readFileSync(new URL(f, MODELS), 'utf8')));

const render = (site = referenceSite()) =>
  renderOpnsenseConfig(site, compilePolicy(site), compileAddressing(site));

describe('OPNsense config.xml', () => {
  const xml = render();
  const root = parseXml(xml).opnsense![0]!;

  it('conforms to the 26.7.2 models: fields exist, options allowed, masks match, UUIDs unique', () => {
    expect(models.length).toBeGreaterThanOrEqual(6);
    expect(checkConfig(xml, models)).toEqual([]);
    expect(checkConfig(render(fixtureSite()), models)).toEqual([]);
  });

  it('catches what the models forbid (the checker itself can fail)', () => {
    const broken = xml
      .replace('<action>pass</action>', '<action>allow</action>')
      .replace('<statetype>keep</statetype>', '<statetype>keep</statetype><bogus>1</bogus>')
      .replace(/(<rule uuid=")[^"]+(")([\s\S]*?<rule uuid=")[^"]+"/, '$1dup$2$3dup"')
      .replace('<protocol>TCP</protocol>', '<protocol>tcp</protocol>')
      .replace('<destination_net>opt1</destination_net>', '<destination_net>nope</destination_net>')
      .replace('<tag>10</tag>', '<tag>5000</tag>')
      .replace('<filename>emerging-scan.rules', '<filename>emerging-scan.rules/');
    const errors = checkConfig(broken, models);
    expect(errors.some((e) => e.includes('/action: "allow" is not one of'))).toBe(true);
    expect(errors.some((e) => e.includes('/bogus: not in the model'))).toBe(true);
    expect(errors.some((e) => e.includes('uuid dup also used'))).toBe(true);
    expect(errors.some((e) => e.includes('"tcp" is not an upper-case protocol'))).toBe(true);
    expect(errors.some((e) => e.includes('"nope" is neither any'))).toBe(true);
    expect(errors.some((e) => e.includes('"5000" is outside 1..4094'))).toBe(true);
    expect(errors.some((e) => e.includes("does not match the model's Mask"))).toBe(true);
  });

  it('names interfaces and VLAN devices the way OPNsense requires', () => {
    const ifs = children(root, 'interfaces')[0]!;
    for (const key of Object.keys(ifs)) {
      const descr = field(children(ifs, key)[0]!, 'descr');
      expect(descr).toMatch(/^[a-z_0-9]*$/);
    }
    const vlans = children(children(root, 'vlans')[0]!, 'vlan');
    expect(vlans.length).toBe(5);
    for (const v of vlans) expect(field(v, 'vlanif')).toBe(`vlan0.${field(v, 'tag')}`);
  });

  it('puts every filter rule on exactly one interface', () => {
    const filter = children(children(children(root, 'OPNsense')[0]!, 'Firewall')[0]!, 'Filter')[0]!;
    const rules = children(children(filter, 'rules')[0]!, 'rule');
    expect(rules.length).toBe(compilePolicy(referenceSite()).rules.length);
    for (const r of rules) expect(field(r, 'interface')).toMatch(/^(wan|lan|opt\d+)$/);
  });

  it('renders the same bytes twice', () => {
    expect(render()).toBe(xml);
  });
});

describe('OPNsense config.xml of a site with many VLANs', () => {
  // 150 VLANs: management alone has a rule per VLAN, and 151 interfaces x 10,000 would pass the maximum.
  const spec = manyVlansSpec(150);
  const site = resolveSite(spec).site;
  const xml = render(site);
  const rules = children(parseXml(xml).opnsense![0]!, 'OPNsense')[0]!;
  const filter = children(children(rules, 'Firewall')[0]!, 'Filter')[0]!;
  const list = children(children(filter, 'rules')[0]!, 'rule');
  const seq = list.map((r) => Number(field(r, 'sequence')));

  it('numbers rules contiguously within the model maximum, each interface in policy order', () => {
    expect(list.length).toBeGreaterThan(150);
    expect(Math.max(...seq)).toBeLessThanOrEqual(999_999);
    expect(new Set(seq).size).toBe(seq.length);
    const byIf = new Map<string, number[]>();
    list.forEach((r, i) => {
      byIf.set(field(r, 'interface'), [...(byIf.get(field(r, 'interface')) ?? []), seq[i]!]);
    });
    for (const s of byIf.values()) expect(s).toEqual([...s].sort((a, b) => a - b));
  });

  it('still conforms to the models and enforces exactly the policy', () => {
    expect(checkConfig(xml, models)).toEqual([]);
    expect(proveEquivalence(networkModel(site))).toEqual([]);
  });
});
