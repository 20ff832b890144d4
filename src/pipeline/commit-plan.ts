// The commits `beelab commit` makes: changed files grouped by scope, in a fixed order, each with a message
// from the Site changes that belong to it (by scope, or by a changed file's added or removed lines naming them).
import { BEELAB_SCOPE, pathScope } from '../layers/devops/scopes.ts';
import type { SiteChange } from './site-changes.ts';

/** One changed file: its site-relative path and its text before and after (undefined: absent). */
export interface ChangedFile {
  path: string;
  before?: string;
  after?: string;
}

export interface PlannedCommit {
  scope: string;
  subject: string;
  body: string;
  /** Site-relative paths. */
  files: string[];
}

/** Tool scopes first (alphabetically), then the docs, the CI files, and Beelab's own inputs last. */
const LAST = ['docs', 'ci', BEELAB_SCOPE];

function scopeOrder(a: string, b: string): number {
  const ra = LAST.indexOf(a);
  const rb = LAST.indexOf(b);
  if (ra !== rb) return ra - rb;
  return a.localeCompare(b);
}

/** Lines one side has and the other does not: what was added and what was removed. */
function changedLines(before: string | undefined, after: string | undefined): string[] {
  return [...addedLines(before, after), ...addedLines(after, before)];
}

/** Lines of `after` that `before` does not have (as many times as they were added). */
function addedLines(before: string | undefined, after: string | undefined): string[] {
  if (after === undefined) return [];
  const count = new Map<string, number>();
  for (const l of (before ?? '').split('\n')) count.set(l, (count.get(l) ?? 0) + 1);
  const out: string[] = [];
  for (const l of after.split('\n')) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else out.push(l);
  }
  return out;
}

const SUBJECT_MAX = 72;

function subjectOf(scope: string, texts: readonly string[], files: readonly string[]): string {
  if (texts.length === 0) {
    const names = files.map((f) => f.split('/').at(-1) ?? f);
    const unique = [...new Set(names)];
    const shown = unique.slice(0, 3).join(', ');
    return `${scope}: update ${shown}${unique.length > 3 ? ` and ${unique.length - 3} more` : ''}`;
  }
  let subject = `${scope}: ${texts[0]}`;
  let i = 1;
  for (; i < texts.length; i++) {
    const next = `${subject}; ${texts[i]}`;
    if (next.length > SUBJECT_MAX) break;
    subject = next;
  }
  return i < texts.length ? `${subject} (+${texts.length - i} more)` : subject;
}

const FILES_LISTED = 25;

/** The changes one by one (unless the subject already says it all), then the files. */
function bodyOf(
  texts: readonly string[],
  files: readonly string[],
  extra: readonly string[],
  subjectSaysAll: boolean,
): string {
  const lines: string[] = [];
  if (!(subjectSaysAll && extra.length === 0) && texts.length + extra.length > 0) {
    for (const t of texts) lines.push(`- ${t}`);
    for (const e of extra) lines.push(`- ${e}`);
    lines.push('');
  }
  lines.push(`Files (${files.length}):`);
  for (const f of files.slice(0, FILES_LISTED)) lines.push(`  ${f}`);
  if (files.length > FILES_LISTED) lines.push(`  … and ${files.length - FILES_LISTED} more`);
  return lines.join('\n');
}

/**
 * Groups `files` by scope and words each group. The `beelab` commit (beelab.yaml, the lock, versions.yaml,
 * overrides/, .beelab/) is last and tells every change, since its inputs caused them; `specLines` say what
 * changed in beelab.yaml itself.
 */
export function planCommits(
  files: readonly ChangedFile[],
  changes: readonly SiteChange[],
  specLines: readonly string[] = [],
): PlannedCommit[] {
  const groups = new Map<string, ChangedFile[]>();
  for (const f of files) {
    const scope = pathScope(f.path);
    groups.set(scope, [...(groups.get(scope) ?? []), f]);
  }
  const commits: PlannedCommit[] = [];
  for (const scope of [...groups.keys()].sort(scopeOrder)) {
    const group = groups.get(scope)!;
    const paths = group.map((f) => f.path).sort();
    let mine: readonly SiteChange[];
    if (scope === BEELAB_SCOPE) {
      mine = changes;
    } else {
      const lines = group.flatMap((f) => changedLines(f.before, f.after));
      mine = changes.filter(
        (c) =>
          c.scopes.includes(scope) || c.needles.some((n) => n.length > 0 && lines.some((l) => l.includes(n))),
      );
    }
    const texts = mine.map((c) => c.text);
    const details = mine.map((c) => c.detail ?? c.text);
    const extra = scope === BEELAB_SCOPE ? specLines.map((l) => `beelab.yaml: ${l}`) : [];
    commits.push({
      scope,
      subject: subjectOf(scope, texts, paths),
      body: bodyOf(details, paths, extra, texts.length === 1 && details[0] === texts[0]),
      files: paths,
    });
  }
  return commits;
}
