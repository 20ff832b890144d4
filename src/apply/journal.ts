// .beelab/journal.jsonl: a record before and after every step, fsynced, so a crash never records undone work as done.
import { readFileSync } from 'node:fs';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';

export const JOURNAL_PATH = '.beelab/journal.jsonl';
export const LOGS_DIR = '.beelab/logs';

const stepFields = {
  run: z.string(),
  id: z.string(),
  at: z.string(),
  inputHash: z.string(),
  /** path → sha256 of each input, to say which file changed since. */
  inputs: z.record(z.string(), z.string()),
  /** The hosts (and executor) the step acted on; a changed target re-runs it. */
  target: z.string(),
  hosts: z.array(z.string()),
  executor: z.string(),
  /** Log file, relative to the site directory. */
  log: z.string(),
};

export const journalRecordSchema = z.discriminatedUnion('type', [
  z.object({
    v: z.literal(1),
    type: z.literal('run-start'),
    run: z.string(),
    at: z.string(),
    mode: z.enum(['apply', 'rebuild']),
    /** The selection the run was started with (`--only`, rebuild targets), for `--resume`. */
    selection: z.array(z.string()),
    resumeOf: z.string().optional(),
    steps: z.array(z.string()),
  }),
  z.object({ v: z.literal(1), type: z.literal('step-start'), ...stepFields }),
  z.object({
    v: z.literal(1),
    type: z.literal('step-end'),
    ...stepFields,
    status: z.enum(['ok', 'failed', 'aborted']),
    exitCode: z.number().nullable(),
    durationMs: z.number(),
    error: z.string().optional(),
  }),
  z.object({
    v: z.literal(1),
    type: z.literal('run-end'),
    run: z.string(),
    at: z.string(),
    status: z.enum(['done', 'failed', 'interrupted']),
    ok: z.number(),
    failed: z.number(),
    skipped: z.number(),
    blocked: z.number(),
  }),
]);

export type JournalRecord = z.infer<typeof journalRecordSchema>;
export type RunStart = Extract<JournalRecord, { type: 'run-start' }>;
export type StepStart = Extract<JournalRecord, { type: 'step-start' }>;
export type StepEnd = Extract<JournalRecord, { type: 'step-end' }>;
export type RunEnd = Extract<JournalRecord, { type: 'run-end' }>;

/** Omit distributed over the union, so each record's own fields survive. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewRecord = DistributiveOmit<JournalRecord, 'v' | 'at'>;

/** Thrown for a journal that cannot be trusted; the message names the file and the line. */
export class JournalError extends UserError {
  constructor(file: string, line: number, what: string) {
    super(`${file}:${line}: ${what}`, [
      '  The journal is how Beelab knows what was applied; it will not guess past a damaged record.',
      `  hint: look at the line, then move the file aside (mv ${file} ${file}.damaged) to start a fresh`,
      '        journal; the next apply then runs every step again (steps are idempotent).',
    ]);
    this.name = 'JournalError';
  }
}

/** Parses a journal's text; any damaged line is a JournalError naming `file` and the line. */
export function parseJournal(text: string, file: string): JournalRecord[] {
  if (text === '') return [];
  const lines = text.split('\n');
  const truncated = !text.endsWith('\n');
  if (!truncated) lines.pop();
  const out: JournalRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const n = i + 1;
    if (truncated && i === lines.length - 1) {
      throw new JournalError(file, n, 'the last record is truncated (the writer was stopped mid-record)');
    }
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      throw new JournalError(file, n, `not a JSON record: ${JSON.stringify(line.slice(0, 60))}`);
    }
    const r = journalRecordSchema.safeParse(data);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new JournalError(
        file,
        n,
        `not a journal record (${issue.path.join('.') || 'record'}: ${issue.message})`,
      );
    }
    out.push(r.data);
  }
  return out;
}

/** The journal of one site directory: read once, then appended to; every record is fsynced before it counts. */
export class Journal {
  readonly records: JournalRecord[];
  readonly file: string;

  private constructor(
    readonly dir: string,
    records: JournalRecord[],
  ) {
    this.file = join(dir, JOURNAL_PATH);
    this.records = records;
  }

  /** Reads `<dir>/.beelab/journal.jsonl` (absent = empty); throws JournalError when it is damaged. */
  static open(dir: string): Journal {
    const file = join(dir, JOURNAL_PATH);
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new Journal(dir, parseJournal(text, JOURNAL_PATH));
  }

  /**
   * Appends one record; resolves once it is on disk (written and fsynced). Records appended while a flush is
   * under way are written together and share the next fsync (group commit), in the order they were
   * appended, and the fsync runs off the event loop, so running steps are not held up by the disk.
   */
  append(record: NewRecord): Promise<JournalRecord> {
    const full = { v: 1, at: new Date().toISOString(), ...record } as JournalRecord;
    this.records.push(full);
    return new Promise((resolve, reject) => {
      this.#pending.push({ line: `${JSON.stringify(full)}\n`, done: () => resolve(full), fail: reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  #pending: { line: string; done: () => void; fail: (e: unknown) => void }[] = [];
  #flushing = false;
  #fh: FileHandle | undefined;

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0);
        try {
          if (!this.#fh) {
            await mkdir(dirname(this.file), { recursive: true });
            this.#fh = await open(this.file, 'a', 0o644);
            // The directory entry of a new journal must survive a crash too.
            const dir = await open(dirname(this.file), 'r');
            await dir.sync().finally(() => dir.close());
          }
          await this.#fh.writeFile(batch.map((b) => b.line).join(''));
          await this.#fh.sync();
          for (const b of batch) b.done();
        } catch (err) {
          for (const b of batch) b.fail(err);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** Waits for pending records, then closes the file. */
  async close(): Promise<void> {
    while (this.#flushing || this.#pending.length > 0) await new Promise((r) => setTimeout(r, 1));
    await this.#fh?.close();
    this.#fh = undefined;
  }

  /** The last successful end of each step id. */
  lastSuccess(countRun: (run: string) => boolean = () => true): Map<string, StepEnd> {
    const out = new Map<string, StepEnd>();
    for (const r of this.records) {
      if (r.type === 'step-end' && r.status === 'ok' && countRun(r.run)) out.set(r.id, r);
    }
    return out;
  }

  /** The last end (any status) of each step id. */
  lastEnd(countRun: (run: string) => boolean = () => true): Map<string, StepEnd> {
    const out = new Map<string, StepEnd>();
    for (const r of this.records) if (r.type === 'step-end' && countRun(r.run)) out.set(r.id, r);
    return out;
  }

  /** The run ids of the last run and the runs it resumed, back to the one that started it. */
  resumeChain(): Set<string> {
    const starts = new Map<string, RunStart>();
    for (const r of this.records) if (r.type === 'run-start') starts.set(r.run, r);
    const out = new Set<string>();
    let cur = this.lastRun()?.start;
    while (cur && !out.has(cur.run)) {
      out.add(cur.run);
      cur = cur.resumeOf ? starts.get(cur.resumeOf) : undefined;
    }
    return out;
  }

  /** Steps started and never ended (the process died while they ran): id → the start record. */
  unfinished(): Map<string, StepStart> {
    const open = new Map<string, StepStart>();
    for (const r of this.records) {
      if (r.type === 'step-start') open.set(r.id, r);
      else if (r.type === 'step-end') open.delete(r.id);
    }
    return open;
  }

  /** The most recent run: its start record and its end record (absent when the process died). */
  lastRun(): { start: RunStart; end?: RunEnd } | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i]!;
      if (r.type === 'run-start') {
        const end = this.records.slice(i).find((e): e is RunEnd => e.type === 'run-end' && e.run === r.run);
        return end ? { start: r, end } : { start: r };
      }
    }
    return undefined;
  }
}
