// Memory stays flat: heap after GC at 2,000 requests vs at 20,000 (mixed streaming and not), in a child process.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('memory', () => {
  it('does not grow over 20,000 requests', () => {
    const probe = fileURLToPath(new URL('./testing/memory-probe.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', probe, '20000', '2000'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      failed: number;
      afterWarmup: number;
      afterAll: number;
      seconds: number;
    };
    process.stderr.write(
      `memory: heap after 2k ${(r.afterWarmup / 1e6).toFixed(2)} MB, after 20k ${(r.afterAll / 1e6).toFixed(2)} MB, ${r.seconds.toFixed(1)} s\n`,
    );
    expect(r.failed).toBe(0);
    // A leak of even 100 bytes per request would add 1.8 MB over the 18,000 requests measured.
    expect(r.afterAll - r.afterWarmup).toBeLessThan(1_000_000);
  }, 90_000);
});
