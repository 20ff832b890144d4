// `beelab apply --history`: the journal summarised, newest run first, and the steps not currently applied.
import type { Journal, RunEnd, RunStart } from './journal.ts';

export function formatHistory(journal: Journal, maxRuns = 15): string {
  const runs: { start: RunStart; end?: RunEnd; steps: number; failed: string[] }[] = [];
  const byRun = new Map<string, (typeof runs)[number]>();
  for (const r of journal.records) {
    if (r.type === 'run-start') {
      const e = { start: r, steps: 0, failed: [] as string[] };
      runs.push(e);
      byRun.set(r.run, e);
    } else if (r.type === 'run-end') {
      const e = byRun.get(r.run);
      if (e) e.end = r;
    } else if (r.type === 'step-end') {
      const e = byRun.get(r.run);
      if (e) {
        e.steps++;
        if (r.status !== 'ok') e.failed.push(r.id);
      }
    }
  }
  if (runs.length === 0) return `No runs recorded in ${journal.file}.\n`;
  const out = [`${runs.length} run(s) in ${journal.file}; newest first:`];
  for (const r of runs.slice(-maxRuns).reverse()) {
    const status = r.end?.status ?? 'died (no end record: resumable)';
    const ms = r.end ? Date.parse(r.end.at) - Date.parse(r.start.at) : undefined;
    const sel = r.start.selection.length ? ` [${r.start.selection.join(', ')}]` : '';
    out.push(
      `  ${r.start.at}  ${r.start.mode}${sel}  ${status}  ${r.steps} step(s) ran${ms !== undefined ? ` in ${(ms / 1000).toFixed(1)}s` : ''}${r.start.resumeOf ? `  (resumes ${r.start.resumeOf})` : ''}  run ${r.start.run}`,
    );
    if (r.failed.length) out.push(`      not ok: ${r.failed.join(', ')}`);
  }
  const last = journal.lastEnd();
  const bad = [...last.values()].filter((e) => e.status !== 'ok');
  const open = journal.unfinished();
  if (bad.length || open.size) {
    out.push('Steps whose last attempt did not succeed:');
    for (const e of bad) out.push(`  ${e.id}: ${e.status}${e.error ? ` (${e.error})` : ''}, log ${e.log}`);
    for (const [id, s] of open)
      out.push(`  ${id}: started ${s.at}, never ended (the process died), log ${s.log}`);
  } else out.push('Every step recorded has succeeded on its last attempt.');
  return `${out.join('\n')}\n`;
}
