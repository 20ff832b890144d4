// The committed answers JSON Schema matches the zod schema and accepts the example answers file.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANSWERS_SCHEMA_PATH, answersJsonSchemaText } from './answers-json-schema.ts';
import { defaultAnswers } from './spec-answers.ts';

const committed = readFileSync(new URL(`../../${ANSWERS_SCHEMA_PATH}`, import.meta.url), 'utf8');
const example = readFileSync(new URL('../../examples/answers.yaml', import.meta.url), 'utf8');

describe('schema/answers.schema.json', () => {
  it('is up to date (run `npx tsx src/init/export-answers-schema.ts` when this fails)', () => {
    expect(committed).toBe(answersJsonSchemaText());
  });

  it('accepts the example and every tier’s defaults, rejects unknown keys and wrong types', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(committed));
    expect(validate(parse(example)), JSON.stringify(validate.errors)).toBe(true);
    for (const tier of ['single', 'compact', 'reference'] as const)
      expect(validate(defaultAnswers(tier))).toBe(true);
    expect(validate({ sitename: 'x' })).toBe(false);
    expect(validate({ controlPlanes: 2 })).toBe(false);
    expect(validate({ retention: { daily: 7 } })).toBe(false);
  });

  it('the example points editors at it', () => {
    expect(example.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/answers.schema.json');
  });
});
