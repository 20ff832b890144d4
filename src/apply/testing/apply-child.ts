// TEST SUPPORT: a separate process that applies a synthetic graph with the simulated executor, so a test can
// SIGKILL it mid-apply and then resume. Usage: tsx apply-child.ts DIR EFFECTS_FILE
import { startApply } from '../engine.ts';
import { buildGraph } from '../graph.ts';
import { Journal } from '../journal.ts';
import { planApply } from '../plan.ts';
import { childSteps } from './fixtures.ts';
import { simulatedExecutor } from './simulated-executor.ts';

const [dir, effects] = process.argv.slice(2);
if (!dir || !effects) throw new Error('usage: apply-child.ts DIR EFFECTS_FILE');
{
  const journal = Journal.open(dir);
  const last = journal.lastRun();
  const resumeOf = last && last.end?.status !== 'done' ? last.start.run : undefined;
  const plan = await planApply({ dir, selected: buildGraph(childSteps(), new Set()).order, journal });
  const handle = startApply({
    dir,
    plan,
    journal,
    executor: simulatedExecutor({ durationMs: () => 40, effectsFile: effects }),
    concurrency: 2,
    ...(resumeOf ? { resumeOf } : {}),
  });
  const end = await handle.done;
  process.stdout.write(`${JSON.stringify(end)}\n`);
}
