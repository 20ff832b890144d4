import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Step } from '../layers/step.ts';
import { type ApplyEvent, startApply } from './engine.ts';
import { buildGraph } from './graph.ts';
import { JOURNAL_PATH, Journal, JournalError } from './journal.ts';
import { planApply } from './plan.ts';
import { removeTempSites, step, tempSite, writeFiles } from './testing/fixtures.ts';
import { type SimulatedExecutorOptions, simulatedExecutor } from './testing/simulated-executor.ts';

afterEach(removeTempSites);

async function apply(dir: string, steps: Step[], sim: SimulatedExecutorOptions = {}, concurrency = 4) {
  const journal = Journal.open(dir);
  const graph = buildGraph(steps, new Set());
  const plan = await planApply({ dir, selected: graph.order, journal });
  const executor = simulatedExecutor(sim);
  const events: ApplyEvent[] = [];
  const handle = startApply({ dir, plan, journal, executor, concurrency, onEvent: (e) => events.push(e) });
  const end = await handle.done;
  await journal.close();
  return { end, ran: executor.ran, events, plan, handle };
}

// a → b → c, a → d; e → f (an unrelated branch)
const diamond = () => [
  step('t/a', [], ['a.conf']),
  step('t/b', ['t/a'], ['b.conf']),
  step('t/c', ['t/b'], ['c.conf', 'shared.conf']),
  step('t/d', ['t/a'], ['shared.conf']),
  step('t/e', [], ['e.conf']),
  step('t/f', ['t/e'], ['f.conf']),
];
const files = {
  'a.conf': 'a',
  'b.conf': 'b',
  'c.conf': 'c',
  'shared.conf': 's',
  'e.conf': 'e',
  'f.conf': 'f',
};

describe('apply engine (simulated executor)', () => {
  it('runs every step once in dependency order and records start and end of each', async () => {
    const dir = tempSite(files);
    const { end, ran } = await apply(dir, diamond(), { durationMs: () => 5 });
    expect(end.status).toBe('done');
    expect(ran.sort()).toEqual(['t/a', 't/b', 't/c', 't/d', 't/e', 't/f']);
    const recs = Journal.open(dir).records;
    expect(recs.filter((r) => r.type === 'step-start')).toHaveLength(6);
    expect(recs.filter((r) => r.type === 'step-end' && r.status === 'ok')).toHaveLength(6);
    const pos = (id: string, type: string) =>
      recs.findIndex((r) => r.type === type && 'id' in r && r.id === id);
    expect(pos('t/a', 'step-end')).toBeLessThan(pos('t/b', 'step-start'));
    expect(pos('t/b', 'step-end')).toBeLessThan(pos('t/c', 'step-start'));
    const endRec = recs.find((r) => r.type === 'step-end' && r.id === 't/c')!;
    expect(readFileSync(join(dir, (endRec as { log: string }).log), 'utf8')).toContain('simulated ok');
  });

  it('a failure in step k stops only its dependants, not unrelated branches', async () => {
    const dir = tempSite(files);
    const { end, ran, events } = await apply(dir, diamond(), { fail: (s) => s.id === 't/b' });
    expect(end.status).toBe('failed');
    expect(ran.sort()).toEqual(['t/a', 't/d', 't/e', 't/f']);
    expect(events.filter((e) => e.type === 'step-blocked')).toEqual([
      { type: 'step-blocked', id: 't/c', cause: 't/b' },
    ]);
    // the next apply retries the failed step and its dependant, nothing else
    const again = await apply(dir, diamond());
    expect(again.ran.sort()).toEqual(['t/b', 't/c']);
    expect(again.plan.steps.find((p) => p.step.id === 't/b')!.decision.reason).toMatch(/last attempt failed/);
  });

  it('skips what is up to date; a changed file re-runs exactly the steps that read it', async () => {
    const dir = tempSite(files);
    await apply(dir, diamond());
    const second = await apply(dir, diamond());
    expect(second.ran).toEqual([]);
    expect(second.plan.steps.every((p) => p.decision.action === 'skip')).toBe(true);
    writeFiles(dir, { 'shared.conf': 'changed' });
    const third = await apply(dir, diamond());
    expect(third.ran.sort()).toEqual(['t/c', 't/d']);
    expect(third.plan.steps.find((p) => p.step.id === 't/d')!.decision.reason).toBe('changed: shared.conf');
  });

  it('a changed command or target re-runs the step', async () => {
    const dir = tempSite(files);
    await apply(dir, diamond());
    const steps = diamond();
    steps[4] = { ...steps[4]!, run: { kind: 'shell', script: 'echo other' } };
    steps[5] = { ...steps[5]!, run: { kind: 'talosctl', args: ['version'] } };
    const r = await apply(dir, steps);
    expect(r.ran.sort()).toEqual(['t/e', 't/f']);
    expect(r.plan.steps.find((p) => p.step.id === 't/f')!.decision.reason).toMatch(/^target changed/);
  });

  it('stop("finish") lets running steps end, starts nothing new, and the next run resumes the rest', async () => {
    const dir = tempSite(files);
    const journal = Journal.open(dir);
    const plan = await planApply({ dir, selected: buildGraph(diamond(), new Set()).order, journal });
    let handle: ReturnType<typeof startApply> | undefined;
    const executor = simulatedExecutor({
      durationMs: () => 20,
      onDone: (s) => s.id === 't/a' && handle!.stop('finish'),
    });
    handle = startApply({ dir, plan, journal, executor, concurrency: 1 });
    const end = await handle.done;
    await journal.close();
    expect(end.status).toBe('interrupted');
    expect(executor.ran).toEqual(['t/a']);
    const rest = await apply(dir, diamond());
    expect(rest.ran.sort()).toEqual(['t/b', 't/c', 't/d', 't/e', 't/f']);
  });

  it('stop("abort") aborts running steps, records them aborted, and they run again next time', async () => {
    const dir = tempSite(files);
    const journal = Journal.open(dir);
    const plan = await planApply({ dir, selected: buildGraph(diamond(), new Set()).order, journal });
    const handle = startApply({
      dir,
      plan,
      journal,
      executor: simulatedExecutor({ durationMs: () => 10_000 }),
      concurrency: 2,
    });
    setTimeout(() => handle.stop('abort'), 50);
    const end = await handle.done;
    await journal.close();
    expect(end.status).toBe('interrupted');
    const aborted = Journal.open(dir).records.filter((r) => r.type === 'step-end' && r.status === 'aborted');
    expect(aborted.map((r) => (r as { id: string }).id).sort()).toEqual(['t/a', 't/e']);
    const rest = await apply(dir, diamond());
    expect(rest.ran).toHaveLength(6);
  });
});

describe('journal', () => {
  it('a truncated journal is refused with the file and line', async () => {
    const dir = tempSite(files);
    await apply(dir, diamond());
    const file = join(dir, JOURNAL_PATH);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, -20));
    const lines = text.slice(0, -20).split('\n').length;
    expect(() => Journal.open(dir)).toThrow(JournalError);
    expect(() => Journal.open(dir)).toThrow(`.beelab/journal.jsonl:${lines}: the last record is truncated`);
  });

  it('a corrupt record is refused with the file and line', async () => {
    const dir = tempSite(files);
    await apply(dir, diamond());
    const file = join(dir, JOURNAL_PATH);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = '{"v":1,"type":"step-end","id":"t/a"}';
    writeFileSync(file, lines.join('\n'));
    expect(() => Journal.open(dir)).toThrow(/journal\.jsonl:3: not a journal record/);
    lines[2] = 'garbage';
    writeFileSync(file, lines.join('\n'));
    expect(() => Journal.open(dir)).toThrow(/journal\.jsonl:3: not a JSON record/);
  });
});
