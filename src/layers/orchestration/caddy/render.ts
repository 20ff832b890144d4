// The proxy part of the orchestration layer: one Caddyfile per compose host.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { caddyfilePath, proxiedByHost, renderCaddyfile } from './caddyfile.ts';

export function renderCaddy(site: Site): FileTree {
  const tree = new FileTree();
  for (const [host, apps] of proxiedByHost(site))
    tree.add(caddyfilePath(host), renderCaddyfile(site, host, apps), 'orchestration');
  return tree;
}
