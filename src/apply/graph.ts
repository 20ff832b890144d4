// The step graph: validated (duplicates, unknown dependencies and hosts, cycles) and ordered.
import { UserError } from '../errors.ts';
import { MinHeap } from '../kernel/min-heap.ts';
import type { Step } from '../layers/step.ts';

export interface StepGraph {
  /** Steps in a dependency order (stable: ties keep the order the layers returned them in). */
  order: Step[];
  byId: Map<string, Step>;
  /** id → ids that list it in `after`. */
  dependants: Map<string, string[]>;
}

/** Every problem of a step list at once, each line naming the step. Empty when the graph is sound. */
export function graphProblems(steps: readonly Step[], hosts: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const ids = new Map<string, number>();
  for (const s of steps) ids.set(s.id, (ids.get(s.id) ?? 0) + 1);
  for (const [id, n] of ids) if (n > 1) problems.push(`step ${id} is defined ${n} times`);
  for (const s of steps) {
    if (!/^[a-z0-9][a-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)+$/.test(s.id)) {
      problems.push(
        `step id ${JSON.stringify(s.id)} is not of the form area/what[/host] (lower case, no spaces)`,
      );
    }
    for (const dep of s.after ?? []) {
      if (dep === s.id) problems.push(`step ${s.id} depends on itself`);
      else if (!ids.has(dep)) problems.push(`step ${s.id} depends on unknown step ${dep}`);
    }
    for (const h of s.hosts) {
      if (!hosts.has(h)) problems.push(`step ${s.id} names unknown host ${h}`);
    }
  }
  if (problems.length === 0) {
    const cycle = findCycle(steps);
    if (cycle) problems.push(`steps form a cycle: ${cycle.join(' → ')}`);
  }
  return problems;
}

/** One dependency cycle as a list of ids (first repeated at the end), or undefined. */
export function findCycle(steps: readonly Step[]): string[] | undefined {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  const stack: string[] = [];
  // Iterative DFS: a 10,000-step chain must not overflow the call stack.
  for (const root of steps) {
    if (state.has(root.id)) continue;
    const frames: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    state.set(root.id, 1);
    stack.push(root.id);
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      const deps = byId.get(f.id)?.after ?? [];
      if (f.next < deps.length) {
        const d = deps[f.next++]!;
        if (!byId.has(d)) continue;
        const st = state.get(d);
        if (st === 1) return [...stack.slice(stack.indexOf(d)), d];
        if (st === undefined) {
          state.set(d, 1);
          stack.push(d);
          frames.push({ id: d, next: 0 });
        }
      } else {
        state.set(f.id, 2);
        stack.pop();
        frames.pop();
      }
    }
  }
  return undefined;
}

/** Validates and orders; a bad graph is a UserError listing every problem (the file a layer rendered is fine, its steps are not). */
export function buildGraph(steps: readonly Step[], hosts: ReadonlySet<string>): StepGraph {
  const problems = graphProblems(steps, hosts);
  if (problems.length > 0) {
    throw new UserError(
      `the step graph has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      problems.map((p) => `  ${p}`),
    );
  }
  return orderGraph(steps);
}

/** Kahn's algorithm; assumes a sound graph (use buildGraph for input from layers). */
export function orderGraph(steps: readonly Step[]): StepGraph {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const index = new Map(steps.map((s, i) => [s.id, i]));
  const dependants = new Map<string, string[]>(steps.map((s) => [s.id, []]));
  const indegree = new Map<string, number>();
  for (const s of steps) {
    const deps = (s.after ?? []).filter((d) => byId.has(d));
    indegree.set(s.id, deps.length);
    for (const d of deps) dependants.get(d)!.push(s.id);
  }
  // A min-heap on the original index keeps the order stable and O(n log n).
  const heap = new MinHeap<string>((a, b) => index.get(a)! - index.get(b)!);
  for (const s of steps) if (indegree.get(s.id) === 0) heap.push(s.id);
  const order: Step[] = [];
  while (heap.size > 0) {
    const id = heap.pop()!;
    order.push(byId.get(id)!);
    for (const d of dependants.get(id)!) {
      const n = indegree.get(d)! - 1;
      indegree.set(d, n);
      if (n === 0) heap.push(d);
    }
  }
  if (order.length !== steps.length) throw new Error('orderGraph: the graph has a cycle (use buildGraph)');
  return { order, byId, dependants };
}

/** Every step that depends on `id`, directly or not. */
export function transitiveDependants(graph: StepGraph, id: string): Set<string> {
  const out = new Set<string>();
  const todo = [...(graph.dependants.get(id) ?? [])];
  while (todo.length > 0) {
    const d = todo.pop()!;
    if (out.has(d)) continue;
    out.add(d);
    todo.push(...(graph.dependants.get(d) ?? []));
  }
  return out;
}
