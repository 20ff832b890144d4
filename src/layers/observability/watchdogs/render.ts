// The watchdogs' files: each Pi's watchdog.yaml and systemd unit, the role, and docs/watchdog.md.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { GENERATED_NOTICE, toYaml } from '../../../tree/serialize/index.ts';
import { renderSystemdUnit } from '../../../watchdog/systemd-unit.ts';
import { watchdogRoleFiles } from './ansible.ts';
import { PI_PATHS, watchdogConfig, watchdogConfigPath } from './config.ts';
import { renderWatchdogDocs, WATCHDOGS_DOC } from './docs.ts';

export function watchdogUnitPath(pi: string): string {
  return `watchdog/${pi}.service`;
}

export function renderWatchdogs(site: Site): FileTree {
  const tree = new FileTree();
  if (site.watchdogs.length === 0) return tree;
  for (const wd of site.watchdogs) {
    const header =
      `${GENERATED_NOTICE}\n\nThe Beelab watchdog on ${wd.host}: ${wd.targets.join(', ')} through its ${wd.relay} relay ` +
      `(docs/watchdog.md).\nInstalled as ${PI_PATHS.config}; check it: beelab watchdog --config ${watchdogConfigPath(wd.host)} --check`;
    tree.add(watchdogConfigPath(wd.host), toYaml(watchdogConfig(site, wd), { header }), 'observability');
    const gpioChips = wd.relay === 'gpio' ? [`/dev/${PI_PATHS.gpioChip}`] : [];
    tree.add(
      watchdogUnitPath(wd.host),
      renderSystemdUnit({ entry: PI_PATHS.bundle, config: PI_PATHS.config, gpioChips }),
      'observability',
    );
  }
  tree.merge(watchdogRoleFiles());
  tree.add(WATCHDOGS_DOC, renderWatchdogDocs(site), 'observability');
  return tree;
}
