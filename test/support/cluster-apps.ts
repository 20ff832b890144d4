// Sites with apps placed on the clusters, for the cluster apps' tests: the single example with another app list.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { APP_CATALOG } from '../../src/catalog/apps.ts';
import { BUILTIN_VERSIONS } from '../../src/catalog/versions.ts';
import { resolveSite } from '../../src/layers/index.ts';
import { parseSiteSpec } from '../../src/project/spec.ts';
import type { Site } from '../../src/site/types.ts';

const SINGLE = readFileSync(new URL('../../examples/single/beelab.yaml', import.meta.url), 'utf8');

/** Every app whose images Beelab pins. */
export const PINNED = APP_CATALOG.filter((a) =>
  a.containers.every((c) => BUILTIN_VERSIONS.images[c.image]),
).map((a) => a.name);

/** The single build with the given apps, each `name@cluster` (or a bare name: on the compose host). */
export function withApps(apps: string[]): Site {
  const list = apps.map((a) => {
    const [name, on] = a.split('@');
    return on ? `{ name: ${name}, on: ${on} }` : name;
  });
  const parsed = parseSiteSpec(SINGLE.replace(/^apps:\n( {2}- .*\n)+/m, `apps: [${list.join(', ')}]\n`));
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return resolveSite(parsed.spec!).site;
}
