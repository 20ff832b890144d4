// The registry of layers, in the order of the README's map; adding a layer is one folder and one line here.
import type { Versions } from '../catalog/versions.ts';
import type { Lock } from '../site/lock.ts';
import { ownSite } from '../site/own.ts';
import { type Resolved, resolve } from '../site/resolve.ts';
import type { Spec } from '../spec/schema.ts';
import { aiLayer } from './ai/index.ts';
import { backupLayer } from './backup/index.ts';
import { devopsLayer } from './devops/index.ts';
import type { LayerModule, RenderContext } from './layer.ts';
import { networkLayer } from './network/index.ts';
import { observabilityLayer } from './observability/index.ts';
import { orchestrationLayer } from './orchestration/index.ts';
import { physicalLayer } from './physical/index.ts';
import { securityLayer } from './security/index.ts';

export const layers: readonly LayerModule[] = [
  physicalLayer,
  networkLayer,
  devopsLayer,
  orchestrationLayer,
  aiLayer,
  backupLayer,
  observabilityLayer,
  securityLayer,
];

/** Every layer's contribution to the Site, in registry order, then the user's own devices, services and flows. */
export const siteContributions = [...layers.flatMap((l) => (l.site ? [l.site] : [])), ownSite];

/** resolve() with every registered layer contributing its part of the Site. */
export function resolveSite(spec: Spec, lock?: Lock, versions?: Versions): Resolved {
  return resolve(spec, lock, siteContributions, versions);
}

/** What every renderer may know about the other layers. */
export function renderContext(): RenderContext {
  return { layouts: layers.map((l) => ({ layer: l.id, ...l.layout })) };
}

/** Every top-level path the README's map documents, e.g. `ansible/` or `README.md`. */
export function documentedTopLevel(): Set<string> {
  return new Set(
    layers.flatMap((l) => l.layout.paths.map((p) => (p.includes('/') ? `${p.split('/')[0]}/` : p))),
  );
}
