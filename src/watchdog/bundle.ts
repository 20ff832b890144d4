// Builds the watchdog into one plain-JS file for the Pi: no tsx loader thread, no TypeScript at run time,
// which is what keeps resident memory near the Pi's budget (see docs/watchdog.md).
import { fileURLToPath } from 'node:url';
import { bundleEntry } from '../kernel/bundle.ts';

export function bundleWatchdog(outfile: string): Promise<number> {
  return bundleEntry(fileURLToPath(new URL('./bundle-entry.ts', import.meta.url)), outfile);
}
