// Renders a CheckReport: a summary table plus every diagnostic for people, a stable JSON document for scripts.

import type { Diagnostic } from '../kernel/diagnostic.ts';
import { formatLocation } from '../kernel/diagnostic.ts';
import { type CheckReport, formatMs } from './runner.ts';
import type { ValidatorResult } from './validator.ts';

const STATUS_LABEL: Record<ValidatorResult['status'], string> = {
  passed: 'passed',
  failed: 'FAILED',
  skipped: 'skipped',
  'not-applicable': 'n/a',
};

/** The table, then the diagnostics grouped by validator, then a one-line verdict. */
export function formatReport(report: CheckReport): string {
  const header = ['validator', 'status', 'files', 'errors', 'warnings', 'time', ''];
  const rows = report.results.map((r) => {
    const ran = r.status === 'passed' || r.status === 'failed';
    const [errors, warnings] = counts(r.diagnostics);
    return [
      r.id,
      STATUS_LABEL[r.status],
      r.files === 0 ? '-' : String(r.files),
      ran ? String(errors) : '-',
      ran ? String(warnings) : '-',
      ran ? formatMs(r.durationMs) : '-',
      r.reason ?? '',
    ];
  });
  const lines = table(header, rows, [false, false, true, true, true, true, false]);

  for (const r of report.results) {
    if (r.diagnostics.length === 0) continue;
    lines.push('', r.title.includes(r.id) ? `${r.title}:` : `${r.title} (${r.id}):`);
    for (const d of r.diagnostics) lines.push(...formatLine(d));
  }

  lines.push('', verdict(report));
  return `${lines.join('\n')}\n`;
}

/** `file:line:col: severity: message [code]`, location first so terminals and editors can jump to it. */
function formatLine(d: Diagnostic): string[] {
  const where = formatLocation(d.location);
  const out = [`  ${where ? `${where}: ` : ''}${d.severity}: ${d.message} [${d.code}]`];
  if (d.hint) out.push(`      hint: ${d.hint}`);
  return out;
}

function verdict(report: CheckReport): string {
  const t = report.totals;
  const parts = [plural(t.errors, 'error'), plural(t.warnings, 'warning')];
  const ran = report.results.filter((r) => r.status === 'passed' || r.status === 'failed').length;
  let s = `check ${report.ok ? 'passed' : 'FAILED'}: ${parts.join(', ')}; ${ran} ran, ${t.failed} failed`;
  if (t.skipped > 0) s += `, ${t.skipped} skipped (missing tools; --strict makes that a failure)`;
  return `${s} (${formatMs(report.durationMs)})`;
}

function counts(ds: readonly Diagnostic[]): [number, number] {
  let e = 0;
  let w = 0;
  for (const d of ds) {
    if (d.severity === 'error') e++;
    else if (d.severity === 'warning') w++;
  }
  return [e, w];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function table(header: string[], rows: string[][], rightAlign: boolean[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) =>
    r
      .map((cell, i) => (rightAlign[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** The `--json` document. Its shape is versioned: fields are only ever added. */
export interface CheckJson {
  version: 1;
  ok: boolean;
  strict: boolean;
  dir: string;
  durationMs: number;
  totals: CheckReport['totals'];
  results: (Omit<ValidatorResult, 'reason'> & { errors: number; warnings: number; reason: string | null })[];
}

/** Stable for scripts: fixed key order, results in registry order, diagnostics sorted. */
export function toJson(report: CheckReport): string {
  const doc: CheckJson = {
    version: 1,
    ok: report.ok,
    strict: report.strict,
    dir: report.dir,
    durationMs: report.durationMs,
    totals: { ...report.totals },
    results: report.results.map((r) => {
      const [errors, warnings] = counts(r.diagnostics);
      return {
        id: r.id,
        title: r.title,
        status: r.status,
        files: r.files,
        errors,
        warnings,
        durationMs: r.durationMs,
        reason: r.reason ?? null,
        diagnostics: r.diagnostics.map(jsonDiagnostic),
      };
    }),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function jsonDiagnostic(d: Diagnostic): Diagnostic {
  const out: Diagnostic = { code: d.code, severity: d.severity, message: d.message };
  if (d.location) {
    out.location = { file: d.location.file };
    if (d.location.line !== undefined) out.location.line = d.location.line;
    if (d.location.col !== undefined) out.location.col = d.location.col;
  }
  if (d.hint !== undefined) out.hint = d.hint;
  return out;
}
