import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { requireTool } from '../../../test/support/tools.ts';
import { GENERATED_NOTICE } from './header.ts';
import { toYaml, toYamlDocuments } from './yaml.ts';

const tricky = {
  yes: 'yes',
  on: 'on',
  octal: '0644',
  sexagesimal: '1:30',
  date: '2026-01-01',
  nullString: 'null',
  tilde: '~',
  empty: '',
  colon: 'a: b',
  hash: 'a #b',
  lead: ' lead',
  quote: `it's "quoted"`,
  multi: 'line 1\nline 2\n',
  noTrail: 'a\nb',
  unicode: 'café — ✓',
  long: `${'word '.repeat(60)}end`,
  n: 'n',
  mergeKey: '<<',
  octal12: '0o17',
  hex: '0x1F',
  y: 'Y',
  off: 'Off',
  sci: '12e03',
  bool: true,
  num: 1.5,
  nil: null,
  list: ['x', 1, false],
  nested: { a: { b: [] }, c: {} },
};

describe('toYaml', () => {
  it('round-trips tricky scalars under both YAML 1.2 and YAML 1.1 readers', () => {
    const text = toYaml(tricky);
    expect(parse(text)).toEqual(tricky);
    expect(parse(text, { version: '1.1' })).toEqual(tricky);
    expect(parse(toYaml({ '<<': 'x', on: 'y', '0o17': 'z' }), { version: '1.1', merge: true })).toEqual({
      '<<': 'x',
      on: 'y',
      '0o17': 'z',
    });
    expect(text).toContain('"yes": "yes"');
    expect(text).toContain('octal: "0644"');
    expect(text).not.toContain('%YAML');
  });

  it('never folds long strings', () => {
    const line = toYaml({ long: tricky.long }).trimEnd();
    expect(line.split('\n')).toHaveLength(1);
  });

  it('keeps insertion order by default and sorts when asked, deeply', () => {
    const v = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'x', labels: { z: '1', a: '2' } } };
    expect(toYaml(v).split('\n')[0]).toBe('kind: Pod');
    const sorted = toYaml(v, { sortKeys: true });
    expect(sorted).toBe(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    a: "2"\n    z: "1"\n  name: x\n',
    );
  });

  it('gives the same bytes for the same value, whatever the key insertion order', () => {
    const a = { b: 1, a: { d: 2, c: 3 } };
    const b = { a: { c: 3, d: 2 }, b: 1 };
    expect(toYaml(a, { sortKeys: true })).toBe(toYaml(b, { sortKeys: true }));
    expect(toYaml(tricky)).toBe(toYaml(structuredClone(tricky)));
  });

  it('writes shared objects twice instead of anchors and aliases', () => {
    const shared = { port: 80 };
    const text = toYaml({ a: shared, b: shared });
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text).toBe('a:\n  port: 80\nb:\n  port: 80\n');
  });

  it('puts a header comment on top', () => {
    const text = toYaml({ a: 1 }, { header: `${GENERATED_NOTICE}\n\nsecond line` });
    expect(text).toBe(`# ${GENERATED_NOTICE}\n#\n# second line\na: 1\n`);
    expect(parse(text)).toEqual({ a: 1 });
  });

  it('writes multi-document streams that parse back document by document', () => {
    const docs = [{ kind: 'A' }, { kind: 'B', spec: { x: 'yes' } }];
    const text = toYamlDocuments(docs, { header: 'h' });
    expect(text.startsWith('# h\n---\nkind: A\n---\n')).toBe(true);
    expect(parseAllDocuments(text).map((d) => d.toJS())).toEqual(docs);
  });

  it('passes yamllint', (ctx) => {
    requireTool(ctx, 'yamllint', 'apt-get install yamllint');
    const dir = mkdtempSync(join(tmpdir(), 'beelab-yaml-'));
    try {
      const file = join(dir, 'x.yaml');
      writeFileSync(file, toYamlDocuments([tricky, { k: [{ a: 1 }] }], { header: GENERATED_NOTICE }));
      // Long lines are intended (lineWidth 0); everything else is yamllint's default rule set.
      execFileSync('yamllint', ['-s', '-d', '{extends: default, rules: {line-length: disable}}', file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
