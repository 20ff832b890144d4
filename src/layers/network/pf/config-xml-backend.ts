// A pf-family backend (OPNsense, pfSense): one config.xml, restored through the platform's importer or GUI, and
// read back by the platform's verification parser.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import type { FirewallBackend } from '../backend.ts';
import { type PolicyTuple, zoneByTag } from '../equivalence/tuples.ts';
import type { Addressing, Policy } from '../policy/types.ts';

export function configXmlBackend(
  platform: 'opnsense' | 'pfsense',
  file: string,
  render: (site: Site, policy: Policy, addressing: Addressing) => string,
  parse: (xml: string, zoneByTag: ReadonlyMap<number, string>) => PolicyTuple[],
): FirewallBackend {
  return {
    platform,
    hostOs: platform,
    render: ({ site, policy, addressing }) =>
      new FileTree().add(file, render(site, policy, addressing), 'network'),
    parse: (files, { policy }) => ({
      tuples: parse(files.get(file)!.content, zoneByTag(policy)),
      canonical: false,
    }),
    access: { ssh: false, managedBy: 'config.xml import' },
  };
}
