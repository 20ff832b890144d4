// Benchmark: the apply engine on a synthetic 200-host step graph with simulated durations (fixed seed).
// Measures the scheduler's overhead per step (zero-length steps), and the makespan against the
// critical-path lower bound at the same parallelism. The executor is the simulated test double: no process runs.
// npm run bench:apply
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApply } from '../src/apply/engine.ts';
import { buildGraph, type StepGraph } from '../src/apply/graph.ts';
import { Journal } from '../src/apply/journal.ts';
import { planApply } from '../src/apply/plan.ts';
import { bottomLevels, schedule } from '../src/apply/scheduler.ts';
import { simulatedExecutor } from '../src/apply/testing/simulated-executor.ts';
import type { Step } from '../src/layers/step.ts';

const SEED = 20_251_201;
const HOSTS = 200;
const HYPERVISORS = 10;
const GROUPS = 20;
const CONCURRENCY = 16;
/** Multiplies every simulated duration (BENCH_APPLY_SCALE=10: 0.2–3 s steps, closer to real ones). */
const SCALE = Number(process.env.BENCH_APPLY_SCALE ?? 1);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mk(id: string, after: string[], hosts: string[] = []): Step {
  return { id, layer: 'devops', title: id, hosts, run: { kind: 'shell', script: 'true' }, inputs: [], after };
}

/**
 * The shape of a real site: the firewall; hypervisors (install → storage → cluster join); 200 hosts each a
 * chain of 4 (VM → base → service → verify) on a random hypervisor; 20 cluster/app steps that each need
 * the services of 10 random hosts. Durations: 20–300 ms, skewed short (most steps are quick Ansible runs).
 */
function syntheticGraph(rand: () => number): { steps: Step[]; duration: Map<string, number> } {
  const steps: Step[] = [mk('network/firewall', [])];
  const duration = new Map<string, number>();
  for (let h = 0; h < HYPERVISORS; h++) {
    steps.push(mk(`pve/install/pve${h}`, ['network/firewall']));
    steps.push(mk(`pve/storage/pve${h}`, [`pve/install/pve${h}`]));
    steps.push(mk(`pve/join/pve${h}`, [`pve/storage/pve${h}`]));
  }
  for (let i = 0; i < HOSTS; i++) {
    const pve = Math.floor(rand() * HYPERVISORS);
    steps.push(mk(`vm/create/h${i}`, [`pve/join/pve${pve}`]));
    steps.push(mk(`ansible/base/h${i}`, [`vm/create/h${i}`]));
    steps.push(mk(`ansible/service/h${i}`, [`ansible/base/h${i}`]));
    steps.push(mk(`verify/h${i}`, [`ansible/service/h${i}`]));
  }
  for (let g = 0; g < GROUPS; g++) {
    const deps = new Set<string>();
    while (deps.size < 10) deps.add(`ansible/service/h${Math.floor(rand() * HOSTS)}`);
    steps.push(mk(`app/deploy/g${g}`, [...deps].sort()));
  }
  for (const s of steps) duration.set(s.id, Math.round((20 + 280 * rand() ** 2) * SCALE));
  return { steps, duration };
}

function lowerBound(graph: StepGraph, duration: Map<string, number>, p: number) {
  const levels = bottomLevels(graph, (s) => duration.get(s.id)!);
  const criticalPath = Math.max(...levels.values());
  const work = [...duration.values()].reduce((a, b) => a + b, 0);
  return { criticalPath, work, bound: Math.max(criticalPath, work / p) };
}

async function engineRun(
  steps: Step[],
  durationMs: (s: Step) => number,
  estimate: ((s: Step) => number) | undefined,
  concurrency: number,
): Promise<{ ms: number; ok: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'beelab-bench-apply-'));
  try {
    const journal = Journal.open(dir);
    const plan = await planApply({ dir, selected: buildGraph(steps, new Set()).order, journal });
    const t0 = performance.now();
    const handle = startApply({
      dir,
      plan,
      journal,
      executor: simulatedExecutor({ durationMs }),
      concurrency,
      ...(estimate ? { estimate } : {}),
    });
    const end = await handle.done;
    const ms = performance.now() - t0;
    await journal.close();
    if (end.status !== 'done') throw new Error(`bench run ended ${end.status}`);
    return { ms, ok: end.ok };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { steps, duration } = syntheticGraph(mulberry32(SEED));
  const graph = buildGraph(steps, new Set());
  const n = steps.length;
  console.log(
    `apply bench: ${HOSTS} hosts, ${n} steps, ${steps.reduce((a, s) => a + (s.after?.length ?? 0), 0)} edges, seed ${SEED}, durations ×${SCALE}, concurrency ${CONCURRENCY}, ${cpus().length} CPUs`,
  );

  // 1. Overhead: zero-length steps. Scheduler alone, then the whole engine (journal fsync x2, a log file per step).
  const reps = 5;
  const sched: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await schedule({ graph, concurrency: CONCURRENCY, run: async () => true });
    sched.push(performance.now() - t0);
  }
  const eng: number[] = [];
  for (let r = 0; r < 3; r++) eng.push((await engineRun(steps, () => 0, undefined, CONCURRENCY)).ms);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `overhead per step, scheduler only:        ${((med(sched) / n) * 1000).toFixed(1)} µs (median of ${reps})`,
  );
  console.log(
    `overhead per step, engine (journal fsync + log file): ${(med(eng) / n).toFixed(3)} ms (median of 3; ${med(eng).toFixed(0)} ms for ${n} steps)`,
  );

  // 2. Makespan vs the critical-path lower bound, real time, same parallelism.
  const lb = lowerBound(graph, duration, CONCURRENCY);
  console.log(
    `lower bound at ${CONCURRENCY}: max(critical path ${lb.criticalPath} ms, work ${lb.work} ms / ${CONCURRENCY} = ${(lb.work / CONCURRENCY).toFixed(0)} ms) = ${lb.bound.toFixed(0)} ms`,
  );
  const dur = (s: Step) => duration.get(s.id)!;
  // The algorithm alone: the scheduler with timers for steps, no journal, no logs.
  const alg: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await schedule({
      graph,
      concurrency: CONCURRENCY,
      estimate: dur,
      run: (st) => new Promise((ok) => setTimeout(() => ok(true), dur(st))),
    });
    alg.push(performance.now() - t0);
  }
  console.log(
    `makespan, scheduler alone (timers, no journal): ${med(alg).toFixed(0)} ms = ${(med(alg) / lb.bound).toFixed(3)}× the bound`,
  );
  for (const [label, estimate] of [
    ['estimates from the last run (journal durations)', dur],
    ['no estimates (first apply: every step 1 s)', undefined],
  ] as const) {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) runs.push((await engineRun(steps, dur, estimate, CONCURRENCY)).ms);
    const m = med(runs);
    console.log(
      `makespan, ${label}: ${m.toFixed(0)} ms = ${(m / lb.bound).toFixed(3)}× the bound (runs: ${runs.map((x) => x.toFixed(0)).join(', ')} ms)`,
    );
  }
}

await main();
