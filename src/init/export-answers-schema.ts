// `npx tsx src/init/export-answers-schema.ts`: regenerates schema/answers.schema.json (a test fails when it is stale).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ANSWERS_SCHEMA_PATH, answersJsonSchemaText } from './answers-json-schema.ts';

writeFileSync(
  fileURLToPath(new URL(`../../${ANSWERS_SCHEMA_PATH}`, import.meta.url)),
  answersJsonSchemaText(),
);
process.stdout.write(`wrote ${ANSWERS_SCHEMA_PATH}\n`);
