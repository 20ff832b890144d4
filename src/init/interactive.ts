// Asks the init questions on a terminal with @inquirer/prompts; streams are injectable so tests type real keystrokes.

import { checkbox, confirm, input, number, select } from '@inquirer/prompts';
import { DEFAULTS } from '../spec/defaults.ts';
import type { Spec } from '../spec/schema.ts';
import type { AnswerId, Answers } from './answers.ts';
import { findLocalSshKey } from './local-ssh-key.ts';
import type { Choice, Question } from './question.ts';
import { QUESTIONS } from './questions.ts';
import { defaultAnswers } from './spec-answers.ts';

/** Where prompts read keys and draw; process.stdin/stdout when omitted. */
export interface PromptIO {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Home directory searched for ~/.ssh/*.pub to offer as the admin key; os.homedir() when omitted. */
  home?: string;
}

type Context = { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; clearPromptOnDone?: boolean };

function contextOf(io: PromptIO): Context {
  return { ...(io.input ? { input: io.input } : {}), ...(io.output ? { output: io.output } : {}) };
}

function write(io: PromptIO, text: string): void {
  const out = io.output ?? process.stdout;
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  out.write(tty ? `\x1b[2m${text}\x1b[22m\n` : `${text}\n`);
}

/** The error for a candidate answer, checked against the answers so far. */
function check<K extends AnswerId>(q: Question<K>, value: Answers[K], answers: Answers): string | true {
  return q.validate?.(value, { ...answers, [q.id]: value }) ?? true;
}

/** Asks one question until its answer passes; returns the answer. */
async function ask<K extends AnswerId>(
  q: Question<K>,
  def: Answers[K],
  answers: Answers,
  io: PromptIO,
): Promise<Answers[K]> {
  const ctx = contextOf(io);
  const message = q.prompt;
  type V = Answers[K];
  switch (q.kind) {
    case 'input': {
      const parse = (text: string): { value: V } | { error: string } =>
        q.parse ? q.parse(text) : { value: text.trim() as V };
      const text = await input(
        {
          message,
          default: q.format ? q.format(def) : String(def),
          validate: (t) => {
            const parsed = parse(t);
            return 'error' in parsed ? parsed.error : check(q, parsed.value, answers);
          },
        },
        ctx,
      );
      const parsed = parse(text);
      if ('error' in parsed) throw new Error(`validated answer failed to parse: ${parsed.error}`);
      return parsed.value;
    }
    case 'number': {
      const n = await number(
        {
          message,
          default: def as number,
          required: true,
          ...(q.min !== undefined ? { min: q.min } : {}),
          ...(q.max !== undefined ? { max: q.max } : {}),
          validate: (v) => (v === undefined ? 'enter a number' : check(q, v as V, answers)),
        },
        ctx,
      );
      return n as V;
    }
    case 'checkbox': {
      const selected = new Set(def as unknown[]);
      const chosen = await checkbox(
        {
          message,
          pageSize: 12,
          choices: (q.choices?.(def) ?? []).map((c) => ({ ...c, checked: selected.has(c.value) })),
          validate: (items) => check(q, items.map((i) => i.value) as unknown as V, answers),
        },
        ctx,
      );
      return chosen as unknown as V;
    }
    case 'select':
    case 'confirm': {
      // Neither prompt validates by itself: check afterwards and ask again.
      for (;;) {
        const value =
          q.kind === 'select'
            ? ((await select(
                {
                  message,
                  choices: (q.choices?.(def) ?? []) as Choice<unknown>[],
                  default: def as unknown,
                  pageSize: 12,
                },
                ctx,
              )) as V)
            : ((await confirm({ message, default: def as boolean }, ctx)) as V);
        const ok = check(q, value, answers);
        if (ok === true) return value;
        write(io, `  ✖ ${ok}`);
      }
    }
  }
}

function askOne<K extends AnswerId>(
  q: Question<K>,
  answers: Answers,
  defaults: Answers,
  io: PromptIO,
): Promise<Answers[K]> {
  return ask(q, defaults[q.id], answers, io);
}

/**
 * Asks every question. The tier comes first; every other default then comes from the existing
 * beelab.yaml when it is of that tier (a re-run offers the current values), else from the tier.
 */
export async function askAnswers(existing: Spec | undefined, io: PromptIO = {}): Promise<Answers> {
  const [tierQ, ...rest] = QUESTIONS as Question<AnswerId>[];
  const start = defaultAnswers(existing?.tier ?? DEFAULTS.tier, existing);
  write(io, `  ${tierQ!.help}`);
  const tier = (await askOne(tierQ!, start, start, io)) as Answers['tier'];
  const defaults = defaultAnswers(tier, existing);
  // A first run has no key yet: offer the user's own instead of an empty answer.
  const local = defaults.sshKey === '' ? await findLocalSshKey(io.home) : undefined;
  if (local) defaults.sshKey = local.key;
  const answers: Answers = { ...defaults };
  const record = answers as Record<AnswerId, unknown>;
  for (const q of rest) {
    if (q.when && !q.when(answers)) {
      if (q.ifSkipped !== undefined) record[q.id] = q.ifSkipped;
      continue;
    }
    write(io, `  ${q.help}`);
    if (q.id === 'sshKey' && local) write(io, `  The default is your ${local.path}.`);
    record[q.id] = await askOne(q, answers, defaults, io);
  }
  return answers;
}
