// An app version in beelab.yaml re-pins that app's own image in the Site's catalog, and nothing else.
import { describe, expect, it } from 'vitest';
import { BUILTIN_VERSIONS } from '../catalog/versions.ts';
import type { Spec } from '../spec/schema.ts';
import { tierDefaults } from '../spec/tiers.ts';
import { withAppPins } from './app-pins.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('withAppPins', () => {
  it('re-pins the app’s main image to the tag and digest of beelab.yaml', () => {
    const base: Spec = tierDefaults('reference');
    const spec: Spec = { ...base, apps: [{ name: 'immich', version: `v2.4.0@${DIGEST}` }, 'vaultwarden'] };
    const out = withAppPins(spec, BUILTIN_VERSIONS);
    expect(out.images.immich).toBe(`ghcr.io/immich-app/immich-server:v2.4.0@${DIGEST}`);
    const others = Object.keys(BUILTIN_VERSIONS.images).filter((k) => k !== 'immich');
    for (const k of others) expect(out.images[k], k).toBe(BUILTIN_VERSIONS.images[k]);
    expect(BUILTIN_VERSIONS.images.immich).toContain(':v2.3.1@');
  });

  it('leaves the catalog as it is without pins', () => {
    const spec: Spec = {
      ...tierDefaults('reference'),
      apps: ['immich', { name: 'vaultwarden', version: 'x' }],
    };
    expect(withAppPins(spec, BUILTIN_VERSIONS)).toBe(BUILTIN_VERSIONS);
  });
});
