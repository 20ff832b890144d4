// The compose part of the orchestration layer: compose/<host>/<app>/compose.yaml for every compose app.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { composeApps } from './apps.ts';
import { composeProject, unpinnedImages } from './project.ts';

export function renderCompose(site: Site): FileTree {
  const tree = new FileTree();
  for (const a of composeApps(site)) {
    // An app whose images are not all pinned is not rendered: composeRules reports it at versions.yaml.
    if (unpinnedImages(a, site).length > 0) continue;
    tree.add(`${a.dir}/compose.yaml`, composeProject(a, site), 'orchestration');
  }
  return tree;
}
