// The reference build's resolved Site for the network layer's tests (test helper, not product code).
import { resolve } from '../../../site/resolve.ts';
import type { Site } from '../../../site/types.ts';

/** The reference tier with every default, resolved by the core's resolve(). */
export function referenceSite(): Site {
  return resolve({ version: 1, site: { name: 'beelab', domain: 'lab.example.com' } }).site;
}
