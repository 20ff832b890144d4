// Test helper: a temporary site directory with given files, and a one-validator run through the real runner.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { collectFiles } from '../../src/check/files.ts';
import { runChecks } from '../../src/check/runner.ts';
import type { Validator, ValidatorResult } from '../../src/check/validator.ts';

const made: string[] = [];

/** Writes `files` (path → content) under a fresh temp dir; removeSites() deletes them all. */
export function makeSite(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'beelab-check-'));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export function removeSites(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs one validator over a site the way `beelab check` does and returns its result. */
export async function checkWith(v: Validator, files: Record<string, string>): Promise<ValidatorResult> {
  const dir = makeSite(files);
  const report = await runChecks({ dir, files: await collectFiles(dir), validators: [v] });
  return report.results[0]!;
}

/** `file:line:col severity code` per diagnostic, for compact assertions. */
export function where(r: ValidatorResult): string[] {
  return r.diagnostics.map(
    (d) =>
      `${d.location?.file ?? ''}:${d.location?.line ?? ''}:${d.location?.col ?? ''} ${d.severity} ${d.code}`,
  );
}
