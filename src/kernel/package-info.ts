// This package's own version and pinned dev tools, read once from its package.json (shipped with the package).
import { readFileSync } from 'node:fs';

interface PackageJson {
  version: string;
  devDependencies?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageJson;

/** The version of Beelab that is running: what a rendered repository's CI installs again. */
export const BEELAB_VERSION: string = pkg.version;

/** The exact version of a dev tool Beelab is tested with (e.g. `renovate`); throws on one it does not pin. */
export function pinnedDevTool(name: string): string {
  const v = pkg.devDependencies?.[name];
  if (!v || !/^\d+\.\d+\.\d+$/.test(v)) throw new Error(`package.json pins no exact version of ${name}`);
  return v;
}
