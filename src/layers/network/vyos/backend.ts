// The VyOS backend: a vbash script of `set` commands, run in configuration mode.
import { FileTree } from '../../../tree/file-tree.ts';
import type { FirewallBackend } from '../backend.ts';
import { zoneByTag } from '../equivalence/tuples.ts';
import { parseVyos } from '../equivalence/vyos.ts';
import { renderVyosScript } from './render.ts';

export const VYOS_SCRIPT = 'network/vyos/configure.vbash';

export const vyosBackend: FirewallBackend = {
  platform: 'vyos',
  hostOs: 'vyos',
  render: ({ site, policy, addressing }) =>
    new FileTree().add(VYOS_SCRIPT, renderVyosScript(site, policy, addressing), 'network', 0o755),
  parse: (files, { policy }) => ({
    tuples: parseVyos(files.get(VYOS_SCRIPT)!.content, zoneByTag(policy)),
    canonical: true,
  }),
  access: {
    ssh: true,
    user: 'vyos',
    vars: { ansible_connection: 'ansible.netcommon.network_cli', ansible_network_os: 'vyos.vyos.vyos' },
  },
};
