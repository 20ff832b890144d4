// Small helpers the validators share: batching, path tests and the report of a run that failed unexplained.
import { posix } from 'node:path';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import type { ToolOutput } from '../exec.ts';

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

/**
 * The error for a run that failed although nothing parsed from its output is an error: the command, its exit
 * code and the last lines of its output, at `file`. None when the run succeeded or `found` explains it.
 */
export function unexplainedFailure(
  code: string,
  command: string,
  r: ToolOutput,
  found: readonly Diagnostic[],
  file: string,
  hint?: string,
): Diagnostic[] {
  if (r.exitCode === 0 || found.some((d) => d.severity === 'error')) return [];
  const message = `${command} exited ${r.exitCode}: ${tail(r.stderr || r.stdout)}`;
  return [{ code, severity: 'error', message, location: { file }, ...(hint ? { hint } : {}) }];
}
