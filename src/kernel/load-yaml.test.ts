// The shared YAML loader: syntax errors, schema issues and cross-field checks, all located at file:line:col.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { durationSchema } from './duration.ts';
import { loadYaml, parseYaml, parseYamlSource } from './load-yaml.ts';
import { keysAt } from './suggest.ts';

const schema = z.strictObject({
  name: z.string(),
  every: durationSchema({ min: 1000 }),
  mode: z.enum(['fast', 'safe']).default('safe'),
  items: z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('a'), url: z.string() }),
        z.strictObject({ type: z.literal('b'), port: z.number().int().min(1) }),
      ]),
    )
    .default([]),
});

/** The error's lines, or [] when the text is accepted. */
function report(text: string, check?: Parameters<typeof parseYaml<typeof schema>>[3]): string[] {
  try {
    parseYaml(text, 'f.yaml', schema, check);
    return [];
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return [err.message, ...err.details];
  }
}

describe('parseYaml', () => {
  it('returns the typed value with defaults', () => {
    expect(parseYaml('name: x\nevery: 2s\n', 'f.yaml', schema)).toEqual({
      name: 'x',
      every: 2000,
      mode: 'safe',
      items: [],
    });
  });

  it('locates YAML syntax errors at line:col, never ?:?', () => {
    expect(report('name: x\nitems: [\n')).toEqual([
      'f.yaml is not valid YAML',
      expect.stringMatching(/^ {2}f\.yaml:2:8: this \[ is never closed/),
    ]);
    const dup = report('name: x\nevery: 2s\nname: y\n');
    expect(dup[0]).toBe('f.yaml is not valid YAML');
    expect(dup[1]).toMatch(/^ {2}f\.yaml:3:1: YAML syntax error: Map keys must be unique/);
    const tab = report('name: x\n  every: 1s\n\tmode: fast\n');
    expect(tab.slice(1).every((l) => /^ {2}f\.yaml:\d+:\d+: /.test(l))).toBe(true);
  });

  it('reports every schema problem at once, sorted, with path, quoted value and hint', () => {
    const text = [
      'name: x',
      'every: 10 sec', // 2: bad duration
      'mode: turbo', // 3: bad enum
      'items:',
      '  - { type: a }', // 5: missing url → at the map
      '  - { type: c }', // 6: bad discriminator → at the value
      '  - type: b', // 7
      '    port: 0', // 8: too small
      '    prot: 22', // 9: unknown key → at the key
      'evry: 1s', // 10: unknown top-level key, with a suggestion
    ].join('\n');
    expect(report(text)).toEqual([
      'f.yaml: 7 problems',
      '  f.yaml:2:8: every: not a duration; write a number with a unit, e.g. 500ms, 10s, 5m, 2h or 1d (got "10 sec")',
      '  f.yaml:3:7: mode: not an allowed value (got "turbo"); use one of "fast", "safe"',
      '  f.yaml:5:5: items[0].url: missing required key "url"; add it (string)',
      '  f.yaml:6:13: items[1].type: unknown type (got "c"); use one of "a", "b"',
      '  f.yaml:8:11: items[2].port: Too small: expected number to be >=1 (got 0)',
      '  f.yaml:9:5: items[2].prot: unknown key "prot"; did you mean "port"?',
      '  f.yaml:10:1: evry: unknown key "evry"; did you mean "every"?',
    ]);
  });

  it('says what is missing at the parent, and what an empty file lacks', () => {
    expect(report('every: 1s\n')).toEqual([
      'f.yaml: 1 problem',
      '  f.yaml:1:1: name: missing required key "name"; add it (string)',
    ]);
    expect(report('')).toEqual([
      'f.yaml: 1 problem',
      '  f.yaml:1:1: (top level): the file is empty; it must hold a map of keys',
    ]);
    expect(report('- 1\n')[1]).toBe('  f.yaml:1:1: (top level): expected a map of keys');
    expect(report('name: x\nevery: 0s\n')[1]).toBe('  f.yaml:2:8: every: must be at least 1s (got "0s")');
  });

  it('runs cross-field checks once the schema passes and locates what they return', () => {
    const text = 'name: x\nevery: 5s\nitems:\n  - { type: b, port: 22 }\n  - { type: b, port: 22 }\n';
    const lines = report(text, {
      what: 'the test file',
      check: (v) =>
        v.items.flatMap((item, i) =>
          i > 0 && JSON.stringify(item) === JSON.stringify(v.items[0])
            ? [{ path: ['items', i, 'port'], message: 'same as items[0]', hint: 'pick another port' }]
            : [],
        ),
    });
    expect(lines).toEqual([
      'f.yaml: 1 problem in the test file',
      '  f.yaml:5:22: items[1].port: same as items[0] (got 22); pick another port',
    ]);
    // A schema problem stops before the checks run: they may rely on the validated shape.
    let ran = false;
    report('name: x\nevery: nope\n', {
      check: () => {
        ran = true;
        return [];
      },
    });
    expect(ran).toBe(false);
  });

  it('locates keys and values, and lists the keys a schema allows at a path', () => {
    const src = parseYamlSource('a:\n  b: 1\n  c: [x, y]\n', 'g.yaml');
    expect(src.where(['a', 'b'])).toBe('g.yaml:2:6');
    expect(src.where(['a', 'b'], { key: true })).toBe('g.yaml:2:3');
    expect(src.where(['a', 'c', 1])).toBe('g.yaml:3:10');
    expect(src.where(['a', 'zz'])).toBe('g.yaml:2:3'); // absent: the enclosing map
    expect(src.valueAt(['a', 'c', 0])).toBe('x');
    expect(keysAt(schema, ['items', 0]).sort()).toEqual(['port', 'type', 'url']);
    expect(keysAt(schema, [])).toEqual(['name', 'every', 'mode', 'items']);
  });
});

describe('loadYaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bl-kernel-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file, and names a missing one with the caller hint', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'name: x\nevery: 1m\n');
    expect((await loadYaml(file, schema)).every).toBe(60_000);
    const missing = join(dir, 'nope.yaml');
    await expect(
      loadYaml(missing, schema, { readHint: ['  start from examples/x.yaml'] }),
    ).rejects.toMatchObject({
      message: `cannot read ${missing} (no such file)`,
      details: ['  start from examples/x.yaml'],
    });
  });
});
