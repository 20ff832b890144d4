// The JSONL usage log: one line per finished request, and budget restore from it on start.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { KeyConfig } from './config-schema.ts';
import { budgetPeriodOf } from './key-limits.ts';

/** One line of the usage log. */
export interface UsageRecord {
  time: string;
  key: string | null;
  model: string;
  backend: string | null;
  status: number;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  duration_ms: number;
}

export class UsageLog {
  #out: WriteStream | undefined;

  constructor(private readonly path: string | undefined) {}

  async open(): Promise<void> {
    if (!this.path) return;
    await mkdir(dirname(this.path), { recursive: true });
    this.#out = createWriteStream(this.path, { flags: 'a' });
  }

  get enabled(): boolean {
    return this.#out !== undefined;
  }

  append(rec: UsageRecord): void {
    this.#out?.write(`${JSON.stringify(rec)}\n`);
  }

  async close(): Promise<void> {
    const out = this.#out;
    this.#out = undefined;
    if (out) await new Promise<void>((r) => out.end(r));
  }

  /** Sums tokens per key in each key's current budget period, from an existing log. */
  async budgetUse(
    keys: readonly KeyConfig[],
    wallNow: number,
  ): Promise<Map<string, { period: string; tokens: number }>> {
    const use = new Map<string, { period: string; tokens: number }>();
    const budgeted = new Map<string, KeyConfig>();
    for (const k of keys) {
      if (!k.budget) continue;
      budgeted.set(k.name, k);
      use.set(k.name, { period: budgetPeriodOf(k.budget.period, wallNow), tokens: 0 });
    }
    if (!this.path || budgeted.size === 0) return use;
    const input = createReadStream(this.path, 'utf8');
    const done = new Promise<void>((resolve) =>
      input.on('error', () => resolve()).on('close', () => resolve()),
    );
    try {
      for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
        if (!line) continue;
        let rec: Partial<UsageRecord>;
        try {
          rec = JSON.parse(line) as Partial<UsageRecord>;
        } catch {
          continue;
        }
        const k = rec.key ? budgeted.get(rec.key) : undefined;
        if (!k?.budget || typeof rec.time !== 'string') continue;
        const u = use.get(k.name)!;
        if (budgetPeriodOf(k.budget.period, Date.parse(rec.time)) === u.period)
          u.tokens += rec.total_tokens ?? 0;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await done;
    return use;
  }
}
