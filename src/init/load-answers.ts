// Reads an --answers file: shape first (zod), then every question's check, all errors at once with FILE:LINE:COL.

import { UserError } from '../errors.ts';
import { DEFAULTS } from '../spec/defaults.ts';
import type { Spec } from '../spec/schema.ts';
import { type AnswerId, type Answers, answersSchema } from './answers.ts';
import { answerErrors, defaultAnswers, settleSkipped } from './spec-answers.ts';
import { parseYamlSource, readYamlSource, type YamlSource, zodIssueLines } from './yaml-source.ts';

/**
 * The complete answers an answers file gives: what it says, and for everything it leaves out the
 * existing beelab.yaml's values (when the tier stays) or the tier's defaults.
 */
export function answersFromSource(source: YamlSource, existing?: Spec): Answers {
  if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data)) {
    throw new UserError(
      `${source.file} must be a map of answers such as "tier: reference"; see examples/answers.yaml`,
    );
  }
  const parsed = answersSchema.safeParse(source.data);
  const issues = parsed.success ? [] : parsed.error.issues;
  // Answers of the right shape still get their question's checks, so every problem shows at once.
  const misshapen = new Set(issues.map((i) => String(i.path[0] ?? '')));
  const given = (
    parsed.success
      ? parsed.data
      : Object.fromEntries(
          Object.entries(source.data).filter(([k]) => k in answersSchema.shape && !misshapen.has(k)),
        )
  ) as Partial<Answers>;
  const tier = given.tier ?? existing?.tier ?? DEFAULTS.tier;
  const explicit = stripUndefined(given);
  const answers = settleSkipped(
    { ...defaultAnswers(tier, existing), ...explicit },
    new Set(Object.keys(explicit) as AnswerId[]),
  );
  const lines = [
    ...zodIssueLines(source, issues, Object.keys(answersSchema.shape)),
    ...answerErrors(answers)
      .filter(([id]) => !misshapen.has(id))
      .map(([id, message]) => {
        const where = id in given ? source.where([id]) : `${source.file} (${id} from the defaults)`;
        return `  ${where}: ${id}: ${message}`;
      }),
  ];
  if (lines.length > 0) {
    throw new UserError(`${source.file} has ${plural(lines.length, 'bad answer')}`, [
      ...lines.sort((a, b) => position(a) - position(b)),
      '  (see examples/answers.yaml and docs/init.md for every answer)',
    ]);
  }
  return answers;
}

/** Sort key of a message line: its line and column, errors without one (from the defaults) last. */
function position(line: string): number {
  const m = /:(\d+):(\d+): /.exec(line);
  return m ? Number(m[1]) * 10_000 + Number(m[2]) : Number.MAX_SAFE_INTEGER;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Reads an answers file from disk. */
export async function loadAnswersFile(file: string, existing?: Spec): Promise<Answers> {
  return answersFromSource(await readYamlSource(file), existing);
}

/** Answers from YAML text, for tests and callers that already hold the text. */
export function parseAnswers(file: string, text: string, existing?: Spec): Answers {
  return answersFromSource(parseYamlSource(file, text), existing);
}
