// Runs a step graph with bounded parallelism in dependency order; a failure blocks only its dependants.
import pLimit from 'p-limit';
import { MinHeap } from '../kernel/min-heap.ts';
import type { Step } from '../layers/step.ts';
import type { StepGraph } from './graph.ts';

export interface ScheduleOptions {
  graph: StepGraph;
  /** Steps in flight at once. */
  concurrency: number;
  /** Steps already done (up to date): they count as succeeded without running. */
  done?: ReadonlySet<string>;
  /** Expected duration of a step (e.g. its last run from the journal), for the critical-path priority. */
  estimate?: (step: Step) => number;
  /** Runs one step; resolves true when it succeeded. Must not reject (a rejection counts as a failure). */
  run: (step: Step) => Promise<boolean>;
  /** Checked before each start: false once the operator asked to stop (nothing new starts). */
  mayStart?: () => boolean;
  /** Called when a step will not run because a dependency failed (`cause` is the failed step). */
  onBlocked?: (step: Step, cause: string) => void;
}

export interface ScheduleResult {
  ok: string[];
  failed: string[];
  /** id → the failed step it waited on. */
  blocked: Map<string, string>;
  /** Ready or waiting when a stop was asked for. */
  notStarted: string[];
}

/**
 * The bottom level of every step: its estimate plus the longest chain of estimates after it. Starting the
 * ready step with the highest bottom level first (HLFET list scheduling) keeps the critical path busy.
 */
export function bottomLevels(graph: StepGraph, estimate: (s: Step) => number): Map<string, number> {
  const level = new Map<string, number>();
  for (let i = graph.order.length - 1; i >= 0; i--) {
    const s = graph.order[i]!;
    let tail = 0;
    for (const d of graph.dependants.get(s.id) ?? []) tail = Math.max(tail, level.get(d) ?? 0);
    level.set(s.id, estimate(s) + tail);
  }
  return level;
}

export async function schedule(opts: ScheduleOptions): Promise<ScheduleResult> {
  const { graph } = opts;
  const done = opts.done ?? new Set<string>();
  const index = new Map(graph.order.map((s, i) => [s.id, i]));
  const level = bottomLevels(graph, opts.estimate ?? (() => 1));
  const ready = new MinHeap<Step>(
    (a, b) => level.get(b.id)! - level.get(a.id)! || index.get(a.id)! - index.get(b.id)!,
  );
  const waiting = new Map<string, number>();
  const ok: string[] = [];
  const failed: string[] = [];
  const blocked = new Map<string, string>();
  const limit = pLimit(Math.max(1, opts.concurrency));
  const inFlight: Promise<void>[] = [];

  const block = (id: string, cause: string) => {
    const todo = [...(graph.dependants.get(id) ?? [])];
    while (todo.length > 0) {
      const d = todo.pop()!;
      if (blocked.has(d) || done.has(d)) continue;
      blocked.set(d, cause);
      opts.onBlocked?.(graph.byId.get(d)!, cause);
      todo.push(...(graph.dependants.get(d) ?? []));
    }
  };

  const release = (id: string) => {
    for (const d of graph.dependants.get(id) ?? []) {
      if (done.has(d) || blocked.has(d)) continue;
      const n = waiting.get(d)! - 1;
      waiting.set(d, n);
      if (n === 0) enqueue(graph.byId.get(d)!);
    }
  };

  // Each enqueue adds one task to p-limit, and each task takes the best ready step when it actually starts
  // (late binding): p-limit bounds the parallelism, the heap decides the order.
  const enqueue = (step: Step) => {
    ready.push(step);
    inFlight.push(
      limit(async () => {
        const next = ready.pop()!;
        if (opts.mayStart && !opts.mayStart()) {
          ready.push(next);
          return;
        }
        let success = false;
        try {
          success = await opts.run(next);
        } catch {
          success = false;
        }
        if (success) {
          ok.push(next.id);
          release(next.id);
        } else {
          failed.push(next.id);
          block(next.id, next.id);
        }
      }),
    );
  };

  for (const s of graph.order) {
    if (done.has(s.id)) continue;
    waiting.set(s.id, (s.after ?? []).filter((d) => graph.byId.has(d) && !done.has(d)).length);
  }
  for (const s of graph.order) if (!done.has(s.id) && waiting.get(s.id) === 0) enqueue(s);
  // Tasks enqueue more tasks while they run: wait until the list stops growing.
  for (let seen = 0; seen < inFlight.length; ) {
    const batch = inFlight.slice(seen);
    seen = inFlight.length;
    await Promise.all(batch);
  }

  const finished = new Set([...ok, ...failed, ...blocked.keys(), ...done]);
  const notStarted = graph.order.filter((s) => !finished.has(s.id)).map((s) => s.id);
  return { ok, failed, blocked, notStarted };
}
