// Rules over the apps: every image they need is pinned in the versions catalog (compose and cluster apps alike).
import type { CatalogApp } from '../../../catalog/apps.ts';
import { VERSIONS_FILE } from '../../../catalog/versions.ts';
import type { Diagnostic } from '../../../kernel/diagnostic.ts';
import type { Site } from '../../../site/types.ts';
import { composeApps } from './apps.ts';
import { unpinnedImages } from './project.ts';

/** One error at versions.yaml per image an app needs that the catalog does not pin; `what` names what is not rendered. */
export function unpinnedImageRules(apps: { app: CatalogApp }[], site: Site, what: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const a of apps) {
    for (const key of unpinnedImages(a, site)) {
      const container = a.app.containers.find((c) => c.image === key)!;
      out.push({
        code: 'compose/image-unpinned',
        severity: 'error',
        message: `${a.app.name} needs the image ${key} (its ${container.service} container), which ${VERSIONS_FILE} does not pin: ${what} is not rendered`,
        location: { file: VERSIONS_FILE },
        hint: `add under images: \`${key}: <registry>/<repository>:<tag>@sha256:<digest>\` (\`docker buildx imagetools inspect <registry>/<repository>:<tag>\` prints the digest)`,
      });
    }
  }
  return out;
}

export function composeRules(site: Site): Diagnostic[] {
  return unpinnedImageRules(composeApps(site), site, 'its compose.yaml');
}
