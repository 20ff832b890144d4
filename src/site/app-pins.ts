// An app's `version` in beelab.yaml (`v2.4.0@sha256:…`) wins over the versions catalog for that site: the
// app's own image is re-pinned to that tag and digest, so its compose file, Renovate entry and docs follow.
import { findApp } from '../catalog/apps.ts';
import { parseImageRef, type Versions } from '../catalog/versions.ts';
import { APP_VERSION } from '../spec/app-version.ts';
import { specApps } from '../spec/apps-of.ts';
import type { Spec } from '../spec/schema.ts';

/** The catalog with every app version of the spec applied to that app's main image; unchanged when none. */
export function withAppPins(spec: Spec, versions: Versions): Versions {
  let out = versions;
  for (const e of specApps(spec)) {
    const pin = e.version ? APP_VERSION.exec(e.version) : null;
    const key = findApp(e.name)?.containers[0]?.image;
    const current = key ? versions.images[key] : undefined;
    const ref = current ? parseImageRef(current) : undefined;
    if (!pin || !key || !ref) continue;
    if (out === versions) out = { ...versions, images: { ...versions.images } };
    out.images[key] = `${ref.repository}:${pin[1]}@${pin[2]}`;
  }
  return out;
}
