// What one init question is, as data: the prompt, its help, where its default comes from and what it changes.
import type { Spec } from '../spec/schema.ts';
import type { AnswerId, Answers } from './answers.ts';

/** One option of a select or checkbox question. */
export interface Choice<V> {
  value: V;
  name: string;
  description?: string;
}

/** A parsed text answer, or the message that says why it is wrong. */
export type Parsed<V> = { value: V } | { error: string };

/** One question of `beelab init`. */
export interface Question<K extends AnswerId> {
  id: K;
  /** The prompt line. */
  prompt: string;
  /** One or two sentences shown under the prompt and in docs/init.md. */
  help: string;
  kind: 'input' | 'number' | 'select' | 'checkbox' | 'confirm';
  /** select and checkbox questions; `current` is the default, so a list can keep offering what is already chosen. */
  choices?: (current: Answers[K]) => Choice<Answers[K] extends readonly (infer E)[] ? E : Answers[K]>[];
  /** number questions. */
  min?: number;
  max?: number;
  /** input questions whose answer is not a plain string: text ⇄ value. */
  parse?(text: string): Parsed<Answers[K]>;
  format?(value: Answers[K]): string;
  /** Asked only when this holds for the answers so far; otherwise the answer is `ifSkipped`. */
  when?(answers: Answers): boolean;
  ifSkipped?: Answers[K];
  /** The default, read from a complete spec (tier defaults or the existing beelab.yaml). */
  fromSpec(spec: Spec): Answers[K];
  /** Checks the answer against itself and the answers before it; returns the error or undefined. */
  validate?(value: Answers[K], answers: Answers): string | undefined;
  /** Writes the answer into the spec; absent when another question applies it together with its own. */
  apply?(spec: Spec, value: Answers[K], answers: Answers): void;
}

/** Any question of the list. */
export type AnyQuestion = { [K in AnswerId]: Question<K> }[AnswerId];

/** Identity with inference, so each entry of the list is checked against its own answer type. */
export const question = <K extends AnswerId>(q: Question<K>): Question<K> => q;

/** The options of a select question whose values are their own names. */
export const named =
  <V extends string>(values: readonly V[]) =>
  (): Choice<V>[] =>
    values.map((value) => ({ value, name: value }));

/** The sections of the spec that are maps of keys (site, network, production, storage, ...). */
type Section = {
  [S in keyof Spec]-?: NonNullable<Spec[S]> extends readonly unknown[]
    ? never
    : NonNullable<Spec[S]> extends object
      ? S
      : never;
}[keyof Spec];

/** An `apply` that writes the answer to one key of a spec section, keeping the section's other keys. */
export function setKey<S extends Section, K extends keyof NonNullable<Spec[S]>>(section: S, key: K) {
  return (spec: Spec, value: NonNullable<Spec[S]>[K]): void => {
    spec[section] = { ...spec[section], [key]: value } as Spec[S];
  };
}
