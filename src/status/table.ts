// Renders results as an aligned text table with a summary line, and as JSON for scripts.
import { describeProbe } from '../probe/describe.ts';
import { summarize } from './engine.ts';
import type { StatusResult } from './types.ts';

export function renderTable(results: StatusResult[], elapsedMs: number): string {
  const rows = results.map((r) => [
    r.target.name,
    describeProbe(r.target.probe),
    r.state.toUpperCase(),
    `${Math.round(r.ms)}ms`,
    r.detail,
  ]);
  const head = ['NAME', 'CHECK', 'STATE', 'TIME', 'DETAIL'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const s = summarize(results);
  return [
    line(head),
    ...rows.map(line),
    '',
    `${results.length} checks in ${(elapsedMs / 1000).toFixed(2)} s: ${s.up} up, ${s.warn} warn, ${s.down} down`,
    '',
  ].join('\n');
}

export function renderJson(results: StatusResult[], elapsedMs: number): string {
  return `${JSON.stringify(
    {
      elapsedMs: Math.round(elapsedMs),
      summary: summarize(results),
      results: results.map((r) => ({
        name: r.target.name,
        group: r.target.group,
        check: describeProbe(r.target.probe),
        probe: r.target.probe,
        state: r.state,
        ms: Math.round(r.ms),
        detail: r.detail,
      })),
    },
    null,
    2,
  )}\n`;
}
