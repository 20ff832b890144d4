// The contract of a firewall backend: one platform's files from the network model, and the way back.

import type { Host } from '../../site/types.ts';
import type { FirewallPlatform } from '../../spec/schema.ts';
import type { FileTree } from '../../tree/file-tree.ts';
import type { AnsibleAccess } from '../devops/ansible-access.ts';
import type { PolicyTuple } from './equivalence/tuples.ts';
import type { NetworkModel } from './model.ts';

/** What a backend's rendered files enforce, read back by its verification parser. */
export interface ParsedPolicy {
  tuples: PolicyTuple[];
  /**
   * True when the backend keeps rules to the firewall and routed rules apart (input and forward chains), so
   * only the canonical order (equivalence/tuples.ts canonicalOrder) is comparable; false for one ordered list.
   */
  canonical: boolean;
}

export interface FirewallBackend {
  platform: FirewallPlatform;
  /** The firewall host's operating system in the Site. */
  hostOs: Host['os'];
  /** Pure: the platform's files (config.xml, a vbash script, nftables + dnsmasq + networkd). */
  render(model: NetworkModel): FileTree;
  /** Reads the policy back from the files `render` wrote: the equivalence proof compares it with the policy. */
  parse(files: FileTree, model: NetworkModel): ParsedPolicy;
  /** How Ansible reaches the firewall, or why it does not. */
  access: AnsibleAccess;
}
