// Renders a WritePlan for a terminal: a `+ ~ - !` list per layer, then one summary line.
import { LAYERS } from './file-tree.ts';
import type { FileStatus, PlanEntry, WritePlan } from './write-plan.ts';
import type { Backup } from './writer.ts';

/** Options for formatPlan. */
export interface FormatPlanOptions {
  /** ANSI colours (pass `process.stdout.isTTY`). Default false. */
  color?: boolean;
  /** Word the summary as done ("Wrote ...") rather than planned. Default false. */
  done?: boolean;
  /** Also list unchanged files. Default false. */
  verbose?: boolean;
}

const MARK: Record<FileStatus, string> = {
  added: '+',
  changed: '~',
  removed: '-',
  conflict: '!',
  unchanged: ' ',
};
const COLOR: Record<FileStatus, number> = { added: 32, changed: 33, removed: 31, conflict: 35, unchanged: 2 };

export function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

function note(e: PlanEntry): string {
  const mode = e.modeChange ? `mode ${octal(e.modeChange.from)} → ${octal(e.modeChange.to)}` : '';
  if (e.status !== 'conflict') return mode ? ` (${mode})` : '';
  const what =
    e.reason === 'untracked' ? 'exists but Beelab did not write it' : 'changed by hand since Beelab wrote it';
  return ` (${what}; --force would ${e.action === 'remove' ? 'remove' : 'overwrite'} it after a backup)`;
}

function count(n: number, word: string): string {
  return `${n} ${word}`;
}

function layerCounts(entries: PlanEntry[]): string {
  const order: FileStatus[] = ['added', 'changed', 'removed', 'conflict'];
  return order
    .map((s) => [s, entries.filter((e) => e.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => count(n, s === 'conflict' ? (n === 1 ? 'conflict' : 'conflicts') : s))
    .join(', ');
}

/** Formats a plan, or a write result (whose backups are listed after the summary). */
export function formatPlan(
  plan: WritePlan & { backups?: readonly Backup[] },
  options: FormatPlanOptions = {},
): string {
  const paint = (status: FileStatus, text: string) =>
    options.color ? `\x1b[${COLOR[status]}m${text}\x1b[0m` : text;
  const lines: string[] = [];
  for (const layer of LAYERS) {
    const all = plan.entries.filter((e) => e.layer === layer);
    const shown = options.verbose ? all : all.filter((e) => e.status !== 'unchanged');
    if (shown.length === 0) continue;
    const changed = all.filter((e) => e.status !== 'unchanged');
    const unchanged = all.length - changed.length;
    const summary = [layerCounts(changed), unchanged > 0 ? `${unchanged} unchanged` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`${layer}: ${summary}`);
    for (const e of shown) lines.push(paint(e.status, `  ${MARK[e.status]} ${e.path}${note(e)}`));
  }
  const c = plan.counts;
  const total = plan.entries.length;
  if (c.added + c.changed + c.removed + c.conflict === 0) {
    lines.push(`No changes. ${count(total, total === 1 ? 'file' : 'files')} up to date.`);
    return `${lines.join('\n')}\n`;
  }
  if (lines.length > 0) lines.push('');
  const parts = options.done
    ? [`${c.added} added`, `${c.changed} changed`, `${c.removed} removed`]
    : [`${c.added} to add`, `${c.changed} to change`, `${c.removed} to remove`];
  if (c.conflict > 0 && options.done)
    parts.push(`${c.conflict} forced over hand edits (backed up to *.beelab-backup)`);
  else if (c.conflict > 0) parts.push(count(c.conflict, c.conflict === 1 ? 'conflict' : 'conflicts'));
  lines.push(`${options.done ? 'Wrote' : 'Plan'}: ${parts.join(', ')}; ${c.unchanged} unchanged.`);
  for (const b of plan.backups ?? []) lines.push(`Backed up your edited ${b.path} to ${b.backup}`);
  if (c.conflict > 0 && !options.done) {
    lines.push(
      'Conflicts: move your edits into overrides/ (see docs/overrides.md), or re-run with --force to back each up to <file>.beelab-backup and overwrite it.',
    );
  }
  return `${lines.join('\n')}\n`;
}
