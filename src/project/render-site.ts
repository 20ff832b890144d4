// Site → FileTree: every registered layer's renderer, merged (a path rendered twice is a bug and throws).
import { layers, renderContext } from '../layers/index.ts';
import type { Site } from '../site/types.ts';
import { FileTree } from '../tree/file-tree.ts';

export function renderSite(site: Site): FileTree {
  const tree = new FileTree();
  const ctx = renderContext();
  for (const layer of layers) if (layer.render) tree.merge(layer.render(site, ctx));
  return tree;
}
