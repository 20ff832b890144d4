// Small helpers the validators share: batching and path tests.
import { posix } from 'node:path';

/** Splits a long file list so a command line stays far below the kernel's argument limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function basename(file: string): string {
  return posix.basename(file);
}

export function dirname(file: string): string {
  return posix.dirname(file);
}

/** The last non-empty lines of a tool's output, for a diagnostic when nothing more specific was parsed. */
export function tail(text: string, lines = 8): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
