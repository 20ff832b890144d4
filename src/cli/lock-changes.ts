// Prints what a render moved in beelab.lock.yaml: an allocation never changes without the user seeing it.

import type { Diagnostic } from '../kernel/diagnostic.ts';
import { formatDiagnostic } from '../kernel/diagnostic.ts';

/** Every lock/changed warning of a load, on stderr (stdout may carry --json). */
export function printLockChanges(warnings: readonly Diagnostic[]): void {
  for (const d of warnings) if (d.code === 'lock/changed') process.stderr.write(`${formatDiagnostic(d)}\n`);
}
