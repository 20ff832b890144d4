// The written beelab.yaml: schema line first, a comment above every section, and it parses back to the same spec.
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, parse, parseDocument } from 'yaml';
import { specSchema, TIERS } from '../spec/schema.ts';
import { tierDefaults } from '../spec/tiers.ts';
import { answersToSpec, defaultAnswers } from './spec-answers.ts';
import { hasSchemaLine, SCHEMA_LINE, writeSpecYaml } from './spec-yaml.ts';

describe('writeSpecYaml', () => {
  it.each(TIERS)('%s: parses back (yaml + specSchema) to the same spec', (tier) => {
    const spec = tierDefaults(tier);
    const text = writeSpecYaml(spec);
    expect(specSchema.parse(parse(text))).toEqual(spec);
  });

  it('starts with the schema line, then says to edit and render', () => {
    const text = writeSpecYaml(tierDefaults('reference'));
    expect(text.split('\n')[0]).toBe(`# ${SCHEMA_LINE}`);
    expect(SCHEMA_LINE).toBe('yaml-language-server: $schema=.beelab/beelab.schema.json');
    expect(hasSchemaLine(text)).toBe(true);
    expect(text.slice(0, 400)).toMatch(/Edit this file, then run `beelab render`/);
  });

  it('puts a comment above every top-level section', () => {
    const doc = parseDocument(writeSpecYaml(tierDefaults('reference')));
    expect(isMap(doc.contents)).toBe(true);
    const keys = isMap(doc.contents) ? doc.contents.items : [];
    expect(keys.length).toBe(14);
    for (const pair of keys) {
      const key = pair.key;
      expect(
        isScalar(key) && key.commentBefore?.trim().length,
        String(isScalar(key) && key.value),
      ).toBeTruthy();
    }
  });

  it('is deterministic and orders sections like the schema whatever order the spec was built in', () => {
    const spec = answersToSpec({ ...defaultAnswers('compact'), aiNodes: 3, computeNodes: 3 });
    const shuffled = Object.fromEntries(Object.entries(spec).reverse()) as typeof spec;
    expect(writeSpecYaml(shuffled)).toBe(writeSpecYaml(spec));
    const order = [...writeSpecYaml(spec).matchAll(/^([a-z$]\w*):/gm)].map((m) => m[1]);
    expect(order).toEqual(Object.keys(specSchema.shape).filter((k) => k in spec));
  });

  it('writes short scalar lists on one line, long ones (SSH keys) as a block, and never folds', () => {
    const key = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAswVXqfxOkOM1h9osfsETZbgKXK7xQ5XoOozfIXPGGG ${'x'.repeat(100)}`;
    const spec = answersToSpec({ ...defaultAnswers('reference'), sshKey: key });
    const text = writeSpecYaml(spec);
    expect(text).toContain('backends: [mlx, ollama]');
    expect(text).toContain(`    sshKeys:\n      - ${key}\n`);
    expect(parse(text).site.admin.sshKeys).toEqual([key]);
  });

  it('quotes what a YAML 1.1 reader would misread (sexagesimal-looking MACs, "*" schedules)', () => {
    const spec = tierDefaults('reference');
    spec.nodes![0]!.nic!.mac = '10:20:30:40:50:59';
    const text = writeSpecYaml(spec);
    expect(text).toContain('mac: "10:20:30:40:50:59"');
    expect(text).toContain('schedule: "*-*-* 02:00"');
    expect(parse(text, { version: '1.1' }).nodes[0].nic.mac).toBe('10:20:30:40:50:59');
  });
});
