// The JSON Schema of --answers files, generated from the zod schema, so editors autocomplete answer keys.
import { z } from 'zod';
import { answersSchema } from './answers.ts';

export const ANSWERS_SCHEMA_PATH = 'schema/answers.schema.json';

/** Deterministic JSON Schema text (2-space JSON, trailing newline). */
export function answersJsonSchemaText(): string {
  const schema = z.toJSONSchema(answersSchema, { target: 'draft-2020-12', io: 'input' });
  const doc = {
    ...schema,
    $id: 'https://beelab.dev/schema/answers.schema.json',
    title: 'beelab init --answers file',
    description: 'Answers for `beelab init --answers FILE`; every key is optional (docs/init.md).',
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
