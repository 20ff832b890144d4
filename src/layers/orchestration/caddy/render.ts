// The proxy part of the orchestration layer: one Caddyfile per compose host, and with ACME lego's renewal units.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { caddyfilePath, proxiedByHost, renderCaddyfile } from './caddyfile.ts';
import { legoUnitPath, renderLegoService, renderLegoTimer } from './lego.ts';

export function renderCaddy(site: Site): FileTree {
  const tree = new FileTree();
  for (const [host, apps] of proxiedByHost(site)) {
    tree.add(caddyfilePath(host), renderCaddyfile(site, host, apps), 'orchestration');
    if (!site.acme) continue;
    const names = apps.map((a) => a.service.fqdn!);
    tree.add(legoUnitPath(host, 'service'), renderLegoService(site, site.acme, names), 'orchestration');
    tree.add(legoUnitPath(host, 'timer'), renderLegoTimer(site), 'orchestration');
  }
  return tree;
}
