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

/** A tool and how to install it, for needTool. */
export type ToolNeed = readonly [name: string, installHint: string];

/** The tools every lab test needs: namespaces, the router's nftables and dnsmasq. */
export const LAB_TOOLS: readonly ToolNeed[] = [
  ['ip', 'apt-get install iproute2'],
  ['nft', 'apt-get install nftables'],
  ['dnsmasq', 'apt-get install dnsmasq'],
];

/** What booting lab machines adds. */
export const MACHINE_TOOLS: readonly ToolNeed[] = [
  ['systemd-nspawn', 'apt-get install systemd-container'],
  ['debootstrap', 'apt-get install debootstrap'],
  ['dpkg-scanpackages', 'apt-get install dpkg-dev'],
  ['ansible-playbook', 'apt-get install ansible'],
];

/**
 * Whether a test that builds a lab can run here: root and every tool. Without root it skips with a line
 * on stderr, unless BEELAB_STRICT_TOOLS=1 makes that a failure (CI runs as root).
 */
export function canRunLab(what: string, tools: readonly ToolNeed[]): boolean {
  if (!isRoot()) {
    if (strictTools) throw new Error(`${what} needs root; BEELAB_STRICT_TOOLS=1 makes this a failure`);
    process.stderr.write(`skip: ${what} needs root (network namespaces)\n`);
    return false;
  }
  return tools.every(([t, hint]) => needTool(t, hint));
}
