// The apps a spec runs, with their paths: the apps list plus the file sync overlay when it is not listed.
import type { SpecPath } from './locate.ts';
import type { AppPlacement, Spec } from './schema.ts';

export interface SpecApp {
  name: string;
  /** Where it runs; absent means the default placement. */
  on?: AppPlacement;
  version?: string;
  subdomain?: string;
  /** Where the app is named: `['apps', i]` (or `['apps', i, 'name']`), or `['storage', 'sync']`. */
  path: SpecPath;
}

/** Every app of the spec in file order; the sync overlay (`storage.sync`) comes last when not also listed. */
export function specApps(spec: Spec): SpecApp[] {
  const out: SpecApp[] = (spec.apps ?? []).map((a, i) =>
    typeof a === 'string'
      ? { name: a, path: ['apps', i] }
      : {
          name: a.name,
          path: ['apps', i, 'name'],
          ...(a.on ? { on: a.on } : {}),
          ...(a.version ? { version: a.version } : {}),
          ...(a.subdomain ? { subdomain: a.subdomain } : {}),
        },
  );
  const sync = spec.storage?.sync;
  if (sync && sync !== 'none' && !out.some((e) => e.name === sync))
    out.push({ name: sync, path: ['storage', 'sync'] });
  return out;
}
