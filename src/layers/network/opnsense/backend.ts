// The OPNsense backend: one config.xml for the installer's importer or a GUI restore.
import { FileTree } from '../../../tree/file-tree.ts';
import type { FirewallBackend } from '../backend.ts';
import { parseOpnsense } from '../equivalence/opnsense.ts';
import { zoneByTag } from '../equivalence/tuples.ts';
import { renderOpnsenseConfig } from './config-xml.ts';

export const OPNSENSE_CONFIG = 'network/opnsense/config.xml';

export const opnsenseBackend: FirewallBackend = {
  platform: 'opnsense',
  hostOs: 'opnsense',
  render: ({ site, policy, addressing }) =>
    new FileTree().add(OPNSENSE_CONFIG, renderOpnsenseConfig(site, policy, addressing), 'network'),
  parse: (files, { policy }) => ({
    tuples: parseOpnsense(files.get(OPNSENSE_CONFIG)!.content, zoneByTag(policy)),
    canonical: false,
  }),
  access: { ssh: false, managedBy: 'config.xml import' },
};
