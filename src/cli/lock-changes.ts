// The lock flags of render and plan, and what a render moved in beelab.lock.yaml: an allocation never
// changes without the user seeing it.

import type { Command } from 'commander';
import type { Diagnostic } from '../kernel/diagnostic.ts';
import { formatDiagnostic } from '../kernel/diagnostic.ts';

/** Every lock/changed warning of a load, on stderr (stdout may carry --json). */
export function printLockChanges(warnings: readonly Diagnostic[]): void {
  for (const d of warnings) if (d.code === 'lock/changed') process.stderr.write(`${formatDiagnostic(d)}\n`);
}

export interface LockFlags {
  newLock?: boolean;
  repairLock?: boolean;
}

/** Adds --new-lock and --repair-lock (docs/site-model.md, the lock). */
export function withLockOptions(cmd: Command): Command {
  return cmd
    .option(
      '--new-lock',
      'allocate every address anew although the lock is missing from a rendered directory',
    )
    .option(
      '--repair-lock',
      'accept a lock with conflicting values and re-allocate them (each change is listed)',
    );
}

export function lockFlags(opts: LockFlags): { newLock: boolean; repairLock: boolean } {
  return { newLock: opts.newLock ?? false, repairLock: opts.repairLock ?? false };
}
