import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSite, removeSites } from '../../test/support/check-site.ts';
import type { Diagnostic } from '../kernel/diagnostic.ts';
import { runTool } from './exec.ts';
import { runChecks } from './runner.ts';
import type { Validator } from './validator.ts';

afterAll(removeSites);

const any = (files: string[]) => files;

/** A validator that takes `ms` and records how many validators were running at once. */
function sleeper(
  id: string,
  ms: number,
  gauge: { now: number; max: number },
  diags: Diagnostic[] = [],
): Validator {
  return {
    id,
    title: id,
    applies: any,
    async run() {
      gauge.now++;
      gauge.max = Math.max(gauge.max, gauge.now);
      await sleep(ms);
      gauge.now--;
      return diags;
    },
  };
}

describe('runChecks', () => {
  const dir = makeSite({ 'a.yml': 'a: 1\n' });
  const files = ['a.yml'];

  it('runs validators in parallel, never more than `concurrency` at once, results in registry order', async () => {
    const gauge = { now: 0, max: 0 };
    const vs = [400, 100, 300, 100].map((ms, i) => sleeper(`v${i}`, ms, gauge));
    const t0 = performance.now();
    const report = await runChecks({ dir, files, validators: vs, concurrency: 2 });
    const elapsed = performance.now() - t0;
    expect(gauge.max).toBe(2);
    // Serial would take 900 ms; two lanes take about 500 ms.
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(850);
    expect(report.results.map((r) => r.id)).toEqual(['v0', 'v1', 'v2', 'v3']);
    expect(report.results.every((r) => r.status === 'passed')).toBe(true);
    expect(report.ok).toBe(true);

    const wide = { now: 0, max: 0 };
    await runChecks({
      dir,
      files,
      validators: [1, 2, 3, 4].map((i) => sleeper(`w${i}`, 200, wide)),
      concurrency: 4,
    });
    expect(wide.max).toBe(4);
  });

  it('an error diagnostic fails the validator; warnings alone pass', async () => {
    const gauge = { now: 0, max: 0 };
    const warn: Diagnostic = {
      code: 'x',
      severity: 'warning',
      message: 'meh',
      location: { file: 'a.yml', line: 1 },
    };
    const err: Diagnostic = {
      code: 'x',
      severity: 'error',
      message: 'bad',
      location: { file: 'a.yml', line: 1 },
    };
    const report = await runChecks({
      dir,
      files,
      validators: [sleeper('warns', 1, gauge, [warn]), sleeper('errs', 1, gauge, [warn, err])],
    });
    expect(report.results.map((r) => r.status)).toEqual(['passed', 'failed']);
    expect(report.totals).toMatchObject({ errors: 1, warnings: 2, passed: 1, failed: 1 });
    expect(report.ok).toBe(false);
  });

  it('times a hung validator out, fails it and kills its process', async () => {
    const pidFile = join(dir, 'sleep.pid');
    const hung: Validator = {
      id: 'hung',
      title: 'Hung tool',
      tool: { command: 'sh', installHint: 'apt-get install dash' },
      applies: any,
      async run(ctx) {
        await runTool(ctx, ['-c', `echo $$ > ${pidFile}; exec sleep 30`]);
        return [];
      },
    };
    const t0 = performance.now();
    const report = await runChecks({ dir, files, validators: [hung], timeoutMs: 500 });
    expect(performance.now() - t0).toBeLessThan(5000);
    const r = report.results[0]!;
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('timed out after 500ms');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['check/timeout']);
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await sleep(300);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('turns a crash in run or applies into a failed result, not a thrown error', async () => {
    const crashRun: Validator = {
      id: 'crash-run',
      title: 'Crashes',
      applies: any,
      run: async () => {
        throw new Error('boom');
      },
    };
    const crashApplies: Validator = {
      id: 'crash-applies',
      title: 'Crashes early',
      applies: () => {
        throw new TypeError('no');
      },
      run: async () => [],
    };
    const report = await runChecks({ dir, files, validators: [crashRun, crashApplies] });
    expect(report.results.map((r) => [r.id, r.status, r.diagnostics[0]?.code])).toEqual([
      ['crash-run', 'failed', 'check/crash'],
      ['crash-applies', 'failed', 'check/crash'],
    ]);
    expect(report.results[0]!.diagnostics[0]!.message).toContain('boom');
    expect(report.ok).toBe(false);
  });

  const missing: Validator = {
    id: 'missing',
    title: 'A tool nobody has',
    tool: { command: 'beelab-no-such-tool-7f3a', installHint: 'apt-get install beelab-no-such-tool' },
    applies: any,
    run: async () => {
      throw new Error('must not run');
    },
  };

  it('skips a validator whose tool is not installed, with the install hint; that is not a failure', async () => {
    const report = await runChecks({ dir, files, validators: [missing] });
    const r = report.results[0]!;
    expect(r.status).toBe('skipped');
    expect(r.files).toBe(1);
    expect(r.reason).toBe('beelab-no-such-tool-7f3a not found; install: apt-get install beelab-no-such-tool');
    expect(r.diagnostics).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.totals.skipped).toBe(1);
  });

  it('--strict turns a skip into a failure with an error diagnostic carrying the hint', async () => {
    const report = await runChecks({ dir, files, validators: [missing], strict: true });
    const r = report.results[0]!;
    expect(r.status).toBe('failed');
    expect(r.diagnostics[0]).toMatchObject({
      code: 'check/skipped',
      severity: 'error',
      hint: 'install it: apt-get install beelab-no-such-tool',
    });
    expect(report.ok).toBe(false);
    expect(report.strict).toBe(true);
  });

  it('a validator with no file to check is not applicable, even under --strict', async () => {
    const none: Validator = { ...missing, id: 'none', applies: () => [] };
    const report = await runChecks({ dir, files, validators: [none], strict: true });
    expect(report.results[0]).toMatchObject({ status: 'not-applicable', files: 0 });
    expect(report.ok).toBe(true);
  });

  it('puts the internal rule results first and fails on a rule error', async () => {
    const rules: Diagnostic[] = [
      {
        code: 'net/overlap',
        severity: 'error',
        message: 'overlap',
        location: { file: 'beelab.yaml', line: 9 },
      },
      { code: 'net/size', severity: 'warning', message: 'small', location: { file: 'beelab.yaml', line: 3 } },
    ];
    const report = await runChecks({ dir, files, validators: [], rules, rulesDurationMs: 12 });
    expect(report.results[0]).toMatchObject({ id: 'rules', status: 'failed', durationMs: 12 });
    // Sorted by location.
    expect(report.results[0]!.diagnostics.map((d) => d.code)).toEqual(['net/size', 'net/overlap']);
    expect(report.ok).toBe(false);
  });

  it('reports each result as it is known', async () => {
    const seen: string[] = [];
    const gauge = { now: 0, max: 0 };
    await runChecks({
      dir,
      files,
      validators: [sleeper('slow', 200, gauge), sleeper('fast', 10, gauge), missing],
      onResult: (r) => seen.push(`${r.id}:${r.status}`),
    });
    expect(seen).toEqual(['missing:skipped', 'fast:passed', 'slow:passed']);
  });
});
