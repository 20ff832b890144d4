import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL_PATH, Journal } from './journal.ts';
import { childSteps, removeTempSites, tempSite } from './testing/fixtures.ts';

afterEach(removeTempSites);

const CHILD = fileURLToPath(new URL('./testing/apply-child.ts', import.meta.url));

/** Step-end and step-start records in the journal so far. */
function counts(dir: string): { ends: number; starts: number } {
  const f = join(dir, JOURNAL_PATH);
  if (!existsSync(f)) return { ends: 0, starts: 0 };
  const lines = readFileSync(f, 'utf8').split('\n');
  return {
    ends: lines.filter((l) => l.includes('"type":"step-end"')).length,
    starts: lines.filter((l) => l.includes('"type":"step-start"')).length,
  };
}

function run(
  dir: string,
  effects: string,
  killAfterEnds?: number,
): Promise<{ signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    // node itself (not the tsx wrapper, whose SIGKILL would leave its node child running)
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, effects], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
    });
    let poll: NodeJS.Timeout | undefined;
    if (killAfterEnds !== undefined) {
      poll = setInterval(() => {
        // Kill while a step is running (started, not ended), so the resume has something to finish.
        const c = counts(dir);
        if (c.ends >= killAfterEnds && c.starts > c.ends) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 5);
    }
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (poll) clearInterval(poll);
      resolve({ signal, out });
    });
  });
}

describe('a real process killed mid-apply', () => {
  it('resumes with every step done exactly once', async () => {
    const dir = tempSite();
    const effects = join(dir, 'effects.log');
    const killed = await run(dir, effects, 4);
    expect(killed.signal).toBe('SIGKILL');
    const journal = Journal.open(dir); // still parses: every record was whole when it was written
    expect(journal.lastRun()?.end).toBeUndefined();
    const interrupted = [...journal.unfinished().keys()];
    expect(interrupted.length).toBeGreaterThan(0); // steps were running when it died

    const resumed = await run(dir, effects);
    expect(resumed.signal).toBeNull();
    expect(JSON.parse(resumed.out).status).toBe('done');
    const done = readFileSync(effects, 'utf8').trim().split('\n').sort();
    expect(done).toEqual(
      childSteps()
        .map((s) => s.id)
        .sort(),
    );
    const after = Journal.open(dir);
    expect(after.lastRun()?.start.resumeOf).toBeDefined();
    expect(after.unfinished().size).toBe(0);
  }, 30_000);
});
