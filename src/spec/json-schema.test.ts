// The committed JSON Schema matches the zod schema, and accepts every tier's defaults as written.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_PATH, specJsonSchemaText } from './json-schema.ts';
import { tierDefaults } from './tiers.ts';

const committed = readFileSync(new URL(`../../${JSON_SCHEMA_PATH}`, import.meta.url), 'utf8');

describe('schema/beelab.schema.json', () => {
  it('is up to date with the zod schema (run `npm run schema` when this fails)', () => {
    expect(committed).toBe(specJsonSchemaText());
  });

  it('accepts every tier default and rejects an unknown key', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(committed));
    for (const tier of ['single', 'compact', 'reference'] as const) {
      expect(validate(tierDefaults(tier)), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({ ...tierDefaults('single'), vlan: [] })).toBe(false);
  });
});
