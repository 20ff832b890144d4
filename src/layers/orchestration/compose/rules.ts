// Rules over the compose apps: every image they need is pinned in the versions catalog.
import { VERSIONS_FILE } from '../../../catalog/versions.ts';
import type { Diagnostic } from '../../../kernel/diagnostic.ts';
import type { Site } from '../../../site/types.ts';
import { composeApps } from './apps.ts';
import { unpinnedImages } from './project.ts';

export function composeRules(site: Site): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const a of composeApps(site)) {
    for (const key of unpinnedImages(a, site)) {
      const container = a.app.containers.find((c) => c.image === key)!;
      out.push({
        code: 'compose/image-unpinned',
        severity: 'error',
        message: `${a.app.name} needs the image ${key} (its ${container.service} container), which ${VERSIONS_FILE} does not pin: its compose.yaml is not rendered`,
        location: { file: VERSIONS_FILE },
        hint: `add under images: \`${key}: <registry>/<repository>:<tag>@sha256:<digest>\` (\`docker buildx imagetools inspect <registry>/<repository>:<tag>\` prints the digest)`,
      });
    }
  }
  return out;
}
