// `npm run schema`: regenerates schema/beelab.schema.json from the zod schema (a test fails when it is stale).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_PATH, specJsonSchemaText } from './json-schema.ts';

const target = fileURLToPath(new URL(`../../${JSON_SCHEMA_PATH}`, import.meta.url));
writeFileSync(target, specJsonSchemaText());
process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
