// examples/*/beelab.yaml: valid specs, each the full default of its tier written out (the reference one is what init embeds).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../src/spec/parse.ts';
import { tierDefaults } from '../src/spec/tiers.ts';
import { EXAMPLES_DIR } from './support/examples.ts';

describe.each(['reference', 'compact', 'single'] as const)('examples/%s/beelab.yaml', (tier) => {
  const text = readFileSync(join(EXAMPLES_DIR, tier, 'beelab.yaml'), 'utf8');
  const parsed = parseSpec(text, `examples/${tier}/beelab.yaml`);

  it('parses without errors', () => {
    expect(parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  });

  it(`is tierDefaults('${tier}') written out`, () => {
    expect(parsed.spec).toEqual(tierDefaults(tier));
  });

  it('points editors at the JSON Schema and explains every top-level section', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/beelab.schema.json');
    for (const key of Object.keys(tierDefaults(tier))) {
      expect(text, key).toMatch(new RegExp(`#[^\\n]*\\n${key.replace('$', '\\$')}:`));
    }
  });
});
