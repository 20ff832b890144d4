// The pfSense backend: one config.xml for Diagnostics > Backup & Restore.
import { FileTree } from '../../../tree/file-tree.ts';
import type { FirewallBackend } from '../backend.ts';
import { parsePfsense } from '../equivalence/pfsense.ts';
import { zoneByTag } from '../equivalence/tuples.ts';
import { renderPfsenseConfig } from './config-xml.ts';

export const PFSENSE_CONFIG = 'network/pfsense/config.xml';

export const pfsenseBackend: FirewallBackend = {
  platform: 'pfsense',
  hostOs: 'pfsense',
  render: ({ site, policy, addressing }) =>
    new FileTree().add(PFSENSE_CONFIG, renderPfsenseConfig(site, policy, addressing), 'network'),
  parse: (files, { policy }) => ({
    tuples: parsePfsense(files.get(PFSENSE_CONFIG)!.content, zoneByTag(policy)),
    canonical: false,
  }),
  access: { ssh: false, managedBy: 'config.xml import' },
};
