// The watchdogs' Ansible: the beelab_watchdog role (files, copied as they are) and one play per Pi.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { roleFiles } from '../../ansible-roles.ts';
import type { Play } from '../playbook.ts';
import { PI_PATHS } from './config.ts';

const ROLES = new URL('./roles/', import.meta.url);
export const WATCHDOG_TAG = 'watchdog';

export function watchdogRoleFiles(): FileTree {
  const tree = new FileTree();
  for (const [path, content] of roleFiles(ROLES)) tree.add(`ansible/roles/${path}`, content, 'observability');
  return tree;
}

/** One play per Pi: what its relay needs on the Pi (gpiod, the operator's power command) differs per Pi. */
export function watchdogPlays(site: Site): Play[] {
  return site.watchdogs.map((wd) => ({
    name: `Watchdog on ${wd.host} (${wd.relay} relay for ${wd.targets.join(', ')})`,
    hosts: wd.host,
    become: true,
    tags: [WATCHDOG_TAG],
    vars: {
      beelab_watchdog_gpio: wd.relay === 'gpio',
      beelab_watchdog_power_command: wd.relay === 'command' ? PI_PATHS.powerCommand : '',
    },
    roles: ['beelab_watchdog'],
  }));
}
