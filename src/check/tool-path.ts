// Finds an executable on PATH without running anything, so a missing tool is a skip, not a crash.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Debian puts nft and dnsmasq in /usr/sbin, which a non-root PATH often lacks.
const EXTRA_DIRS = ['/usr/sbin', '/sbin'];

/** Tools Beelab installs from npm (renovate-config-validator, action-validator) live in its own node_modules/.bin. */
const PACKAGE_BIN = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));

/** Absolute path of `command`, or undefined when no executable by that name is on PATH. */
export function findTool(command: string, path = process.env.PATH ?? ''): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? command : undefined;
  const dirs = [...path.split(delimiter).filter(Boolean), ...EXTRA_DIRS, PACKAGE_BIN];
  for (const dir of dirs) {
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
