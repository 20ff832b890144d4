// Keeps docs/init.md honest: every question is in its table, and its examples run as shown.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { parseAnswers } from './load-answers.ts';
import { QUESTIONS } from './questions.ts';
import { answersToSpec } from './spec-answers.ts';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/init.md', import.meta.url)), 'utf8');
const blocks = [...DOC.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2]! }));

describe('docs/init.md', () => {
  it('has a table row for every question, with its answer key and prompt', () => {
    for (const q of QUESTIONS) expect(DOC).toContain(`| \`${q.id}\` | ${q.prompt} |`);
  });

  it('its answers file example is valid', () => {
    const example = blocks.find((b) => b.lang === 'yaml' && b.body.startsWith('tier: compact\nsiteName'));
    expect(example).toBeDefined();
    expect(() => answersToSpec(parseAnswers('answers.yaml', example!.body))).not.toThrow();
  });

  it('its bad answers file gives exactly the errors shown', () => {
    const bad = blocks.find((b) => b.lang === 'yaml' && b.body.includes('8.8.0.0/16'))!;
    const shown = blocks.find((b) => b.body.startsWith('error: answers.yaml'))!;
    let err: unknown;
    try {
      parseAnswers('answers.yaml', bad.body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const { message, details } = err as UserError;
    expect([`error: ${message}`, ...details].join('\n')).toBe(shown.body.trimEnd());
  });
});
