// Tests that need an external tool: skip with a reason outside CI, fail when BEELAB_STRICT_TOOLS=1.
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'vitest';

const cache = new Map<string, boolean>();

export function hasTool(name: string): boolean {
  let found = cache.get(name);
  if (found === undefined) {
    try {
      execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
      found = true;
    } catch {
      found = false;
    }
    cache.set(name, found);
  }
  return found;
}

export const strictTools = process.env.BEELAB_STRICT_TOOLS === '1';

/**
 * Returns true when the test may run. When the tool is missing: in strict mode throws
 * (the test fails), otherwise prints one line with the install hint and returns false (skip).
 */
export function needTool(name: string, installHint: string): boolean {
  if (hasTool(name)) return true;
  const msg = `${name} not found (install: ${installHint})`;
  if (strictTools) throw new Error(`${msg}; BEELAB_STRICT_TOOLS=1 makes this a failure`);
  process.stderr.write(`skip: ${msg}\n`);
  return false;
}

/**
 * For a test that needs a tool: when it is missing, fails the test in strict mode (CI) and otherwise marks
 * it skipped with the install hint, so a missing tool shows in the summary instead of a silent pass.
 */
export function requireTool(ctx: TestContext, name: string, installHint: string): void {
  if (hasTool(name)) return;
  const msg = `${name} not found (install: ${installHint})`;
  if (strictTools) throw new Error(`${msg}; BEELAB_STRICT_TOOLS=1 makes this a failure`);
  ctx.skip(msg);
}

/** True when running as root, which network-namespace tests need. */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
