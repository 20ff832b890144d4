// Spec ⇄ answers: the current values a re-run offers as defaults, and the spec a set of answers builds.
import type { Spec, Tier } from '../spec/schema.ts';
import { tierDefaults, withTierDefaults } from '../spec/tiers.ts';
import type { AnswerId, Answers } from './answers.ts';
import { dropReferences } from './derive-network.ts';
import type { Question } from './question.ts';
import { QUESTIONS } from './questions.ts';

/** The answers that reproduce a spec: what a re-run offers as defaults. */
export function specToAnswers(spec: Spec): Answers {
  const full = withTierDefaults(spec);
  const answers: Partial<Record<AnswerId, unknown>> = {};
  for (const q of QUESTIONS) answers[q.id] = q.fromSpec(full);
  return answers as Answers;
}

/** The spec answers start from: the existing one when it is of the chosen tier, else the tier's defaults. */
export function baseSpec(tier: Tier, existing?: Spec): Spec {
  return existing && (existing.tier ?? 'reference') === tier
    ? structuredClone(withTierDefaults(existing))
    : tierDefaults(tier);
}

/** The defaults for every question once the tier is known. */
export function defaultAnswers(tier: Tier, existing?: Spec): Answers {
  return { ...specToAnswers(baseSpec(tier, existing)), tier };
}

function hostNames(spec: Spec): Set<string> {
  return new Set([...(spec.nodes ?? []), ...(spec.ai?.nodes ?? [])].map((n) => n.name));
}

function applyOne<K extends AnswerId>(q: Question<K>, spec: Spec, answers: Answers): void {
  q.apply?.(spec, answers[q.id], answers);
}

/**
 * Builds the complete spec: tier defaults (or the existing spec of the same tier, so hand edits the
 * questions do not cover survive), then each answer in question order.
 */
export function answersToSpec(answers: Answers, existing?: Spec): Spec {
  const spec = baseSpec(answers.tier, existing);
  spec.tier = answers.tier;
  const before = hostNames(spec);
  for (const q of QUESTIONS) applyOne(q as Question<AnswerId>, spec, answers);
  const after = hostNames(spec);
  dropReferences(
    spec,
    [...before].filter((n) => !after.has(n)),
  );
  return spec;
}

/**
 * Answers not given explicitly take their question's `ifSkipped` value when the question would not be
 * asked (no mirror once PBS is a VM), so a default never contradicts an answer the user did give.
 */
export function settleSkipped(answers: Answers, given: ReadonlySet<AnswerId>): Answers {
  const out: Record<string, unknown> = { ...answers };
  for (const q of QUESTIONS as Question<AnswerId>[]) {
    if (!given.has(q.id) && q.when && !q.when(answers) && q.ifSkipped !== undefined) out[q.id] = q.ifSkipped;
  }
  return out as Answers;
}

/** Every answer that fails its question's check, as [id, message]; empty when all are fine. */
export function answerErrors(answers: Answers): [AnswerId, string][] {
  const errors: [AnswerId, string][] = [];
  for (const q of QUESTIONS as Question<AnswerId>[]) {
    const message = q.validate?.(answers[q.id], answers);
    if (message) errors.push([q.id, message]);
  }
  return errors;
}
