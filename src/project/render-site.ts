// Site → FileTree: every registered layer's renderer, merged (a path rendered twice is a bug and throws).
import { layers } from '../layers/index.ts';
import type { Site } from '../site/types.ts';
import { FileTree } from '../tree/file-tree.ts';

export function renderSite(site: Site): FileTree {
  const tree = new FileTree();
  for (const layer of layers) tree.merge(layer.render(site));
  return tree;
}
