// The example builds' resolved Sites for the network layer's tests (test helper, not product code).
import { readFileSync } from 'node:fs';
import { resolveSite } from '../../src/layers/index.ts';
import { parseSiteSpec } from '../../src/project/spec.ts';
import type { Site } from '../../src/site/types.ts';

const EXAMPLES = new URL('../../examples/', import.meta.url);

/** examples/<name>/beelab.yaml through the core's parser and resolve(), without a lock (fresh allocation). */
export function exampleSite(name: 'reference' | 'compact' | 'single'): Site {
  const parsed = parseSiteSpec(readFileSync(new URL(`${name}/beelab.yaml`, EXAMPLES), 'utf8'));
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.spec || errors.length > 0)
    throw new Error(`examples/${name}: ${errors.map((e) => e.message).join('; ')}`);
  return resolveSite(parsed.spec).site;
}

/** The reference build (examples/reference/beelab.yaml). */
export function referenceSite(): Site {
  return exampleSite('reference');
}
