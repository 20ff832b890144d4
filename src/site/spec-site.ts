// The Site a spec resolves to, for the rules that judge the spec against it; resolved once per parse however
// many rules ask (the rule runner hands every rule the same spec object).
import { UserError } from '../errors.ts';
import type { Spec } from '../spec/schema.ts';
import type { SiteContribution } from './contribution.ts';
import type { Lock } from './lock.ts';
import { resolve } from './resolve.ts';
import type { Site } from './types.ts';

const cache = new WeakMap<
  Spec,
  { contributions: readonly SiteContribution[]; lock: Lock | undefined; site: Site | undefined }
>();

/**
 * The resolved Site, against the lock when the caller has one (then VM placement and addresses are the ones
 * render will use); undefined when it does not resolve for a reason another rule reports.
 */
export function siteOf(
  contributions: readonly SiteContribution[],
  spec: Spec,
  lock?: Lock,
): Site | undefined {
  const hit = cache.get(spec);
  if (hit && hit.contributions === contributions && hit.lock === lock) return hit.site;
  let site: Site | undefined;
  try {
    site = resolve(spec, lock, contributions).site;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
  }
  cache.set(spec, { contributions, lock, site });
  return site;
}
