// Guard: nothing the repository runs (product, tests, scripts, CI) may read a path outside the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
// Planted cases below are built from pieces so that this file passes its own scan.
const UP = '../';
const CODE = /\.(?:[cm]?[jt]s|json|sh|ya?ml)$|^\.ci\/run$/;

/** Tracked and untracked-but-not-ignored files that hold code or configuration (generated goldens excluded). */
function codeFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return (
    out
      .split('\n')
      .filter((f) => f && CODE.test(f) && !f.startsWith('test/golden/') && !f.startsWith('test/reference/'))
      .filter((f) => f !== 'package-lock.json' && !f.startsWith('schema/'))
      // A tracked file deleted in the working tree is not read by anything any more.
      .filter((f) => existsSync(join(ROOT, f)))
  );
}

/** Each problem as "file:line: text": a reference to the shared folder beside the repository, or a relative path whose ../ climbs above the root. */
function outsideReferences(file: string, text: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (/\.\.\/shared\b|\/work\/shared\b/.test(line))
      problems.push(`${where}: refers to the shared folder beside the repository`);
    // `resolve(fileURLToPath(import.meta.url), '..')` climbs from the file itself, everything else from its folder.
    const base = line.includes('fileURLToPath(import.meta.url)')
      ? join(ROOT, file)
      : dirname(join(ROOT, file));
    // A `=` before the path is generated content (a `$schema=` line in a rendered file), not a path read here.
    for (const m of line.matchAll(/(?:^|[^\w.=])((?:\.\.\/)+\.{0,2})/g)) {
      const target = resolve(base, m[1]!);
      const rel = relative(ROOT, target);
      if (rel.startsWith('..') || isAbsolute(rel)) problems.push(`${where}: ${m[1]} leaves the repository`);
    }
  });
  return problems;
}

describe('no path outside the repository', () => {
  it('finds the planted cases (the scan itself can fail)', () => {
    const planted = (p: string) => `new URL('${p}', import.meta.url)`;
    expect(outsideReferences('src/a/b.test.ts', planted(`${UP.repeat(3)}shared/x`))).toHaveLength(2);
    expect(outsideReferences('src/a/b.ts', `join(import.meta.dirname, '${UP.repeat(3)}..')`)).toHaveLength(1);
    expect(
      outsideReferences('src/a/b.ts', `join(import.meta.dirname, '${UP.repeat(2)}test/reference')`),
    ).toEqual([]);
    expect(
      outsideReferences('src/a/b.ts', `resolve(fileURLToPath(import.meta.url), '${UP.repeat(2)}..')`),
    ).toEqual([]);
  });

  it('no source, test, script or CI file refers to the shared folder or climbs above the root', () => {
    const files = codeFiles();
    expect(files.length).toBeGreaterThan(100);
    const problems = files.flatMap((f) => outsideReferences(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(problems).toEqual([]);
  });
});
