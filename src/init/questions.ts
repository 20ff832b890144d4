// The questions of `beelab init`, in the order they are asked; tier first, because every other default comes from it.
import type { AnyQuestion } from './question.ts';
import { SERVICE_QUESTIONS } from './questions-services.ts';
import { SITE_QUESTIONS } from './questions-site.ts';

/** Every question, in order. */
export const QUESTIONS: readonly AnyQuestion[] = [...SITE_QUESTIONS, ...SERVICE_QUESTIONS];
