import { describe, expect, it } from 'vitest';
import type { CheckReport } from './runner.ts';
import { formatReport, toJson } from './summary.ts';

const report: CheckReport = {
  ok: false,
  strict: false,
  dir: '/site',
  durationMs: 2400,
  totals: { errors: 2, warnings: 1, infos: 0, passed: 1, failed: 1, skipped: 1, notApplicable: 1 },
  results: [
    { id: 'rules', title: 'Beelab rules', status: 'passed', files: 0, diagnostics: [], durationMs: 15 },
    {
      id: 'yamllint',
      title: 'YAML lint (yamllint)',
      status: 'failed',
      files: 42,
      durationMs: 1300,
      diagnostics: [
        {
          code: 'yamllint/key-duplicates',
          severity: 'error',
          message: 'dup "a"',
          location: { file: 'a.yml', line: 2, col: 1 },
        },
        {
          code: 'yamllint/truthy',
          severity: 'warning',
          message: 'truthy',
          location: { file: 'a.yml', line: 3, col: 4 },
        },
        { code: 'yamllint', severity: 'error', message: 'yamllint exited 3', hint: 'reinstall it' },
      ],
    },
    {
      id: 'shellcheck',
      title: 'Shell scripts (shellcheck)',
      status: 'skipped',
      files: 3,
      diagnostics: [],
      durationMs: 0,
      reason: 'shellcheck not found; install: apt-get install shellcheck',
    },
    {
      id: 'amtool',
      title: 'Alertmanager',
      status: 'not-applicable',
      files: 0,
      diagnostics: [],
      durationMs: 0,
      reason: 'no file to check',
    },
  ],
};

describe('formatReport', () => {
  const text = formatReport(report);
  const lines = text.split('\n');

  it('prints an aligned table: validator, status, files, errors, warnings, time, reason', () => {
    expect(lines[0]).toMatch(/^validator\s+status\s+files\s+errors\s+warnings\s+time$/);
    expect(lines[1]).toMatch(/^rules\s+passed\s+-\s+0\s+0\s+15ms$/);
    expect(lines[2]).toMatch(/^yamllint\s+FAILED\s+42\s+2\s+1\s+1\.3s$/);
    expect(lines[3]).toMatch(
      /^shellcheck\s+skipped\s+3\s+-\s+-\s+-\s+shellcheck not found; install: apt-get install shellcheck$/,
    );
    expect(lines[4]).toMatch(/^amtool\s+n\/a\s+-\s+-\s+-\s+-\s+no file to check$/);
    // Columns line up: "status" starts at the same offset on every row.
    const col = lines[0]!.indexOf('status');
    for (const l of lines.slice(1, 5)) expect(l.slice(col, col + 1)).toMatch(/\S/);
  });

  it('lists diagnostics under their validator with file:line:col and hints', () => {
    expect(text).toContain('\nYAML lint (yamllint):\n');
    expect(text).toContain('  a.yml:2:1: error: dup "a" [yamllint/key-duplicates]\n');
    expect(text).toContain('  a.yml:3:4: warning: truthy [yamllint/truthy]\n');
    expect(text).toContain('  error: yamllint exited 3 [yamllint]\n      hint: reinstall it\n');
  });

  it('ends with a verdict that mentions skips and --strict', () => {
    expect(lines.at(-2)).toBe(
      'check FAILED: 2 errors, 1 warning; 2 ran, 1 failed, 1 skipped (missing tools; --strict makes that a failure) (2.4s)',
    );
  });
});

describe('toJson', () => {
  it('is versioned, keeps registry order and counts per result', () => {
    const doc = JSON.parse(toJson(report));
    expect(Object.keys(doc)).toEqual(['version', 'ok', 'strict', 'dir', 'durationMs', 'totals', 'results']);
    expect(doc.version).toBe(1);
    expect(doc.results.map((r: { id: string }) => r.id)).toEqual([
      'rules',
      'yamllint',
      'shellcheck',
      'amtool',
    ]);
    expect(doc.results[1]).toMatchObject({
      status: 'failed',
      files: 42,
      errors: 2,
      warnings: 1,
      reason: null,
    });
    expect(doc.results[1].diagnostics[0]).toEqual({
      code: 'yamllint/key-duplicates',
      severity: 'error',
      message: 'dup "a"',
      location: { file: 'a.yml', line: 2, col: 1 },
    });
    expect(doc.results[2].reason).toBe('shellcheck not found; install: apt-get install shellcheck');
  });

  it('gives the same bytes for the same report', () => {
    expect(toJson(report)).toBe(toJson(structuredClone(report)));
  });
});
