// The JSON Schema of beelab.yaml, generated from the zod schema, so editors autocomplete and validate it.
import { z } from 'zod';
import { specSchema } from './schema.ts';

export const JSON_SCHEMA_PATH = 'schema/beelab.schema.json';

/** Deterministic JSON Schema text (2-space JSON, trailing newline). */
export function specJsonSchemaText(): string {
  const schema = z.toJSONSchema(specSchema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });
  const doc = {
    ...schema,
    $id: 'https://beelab.dev/schema/beelab.schema.json',
    title: 'beelab.yaml',
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
