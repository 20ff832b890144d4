// The contract every layer implements: its part of the Site, its files, its rules and validators, its steps.
// Adding a layer is one folder implementing this and one line in ./index.ts; see docs/architecture.md.

import type { Validator } from '../check/validator.ts';
import type { Diagnostic } from '../kernel/diagnostic.ts';
import type { SiteContribution } from '../site/contribution.ts';
import type { Site } from '../site/types.ts';
import type { FileTree, Layer } from '../tree/file-tree.ts';
import type { Step } from './step.ts';

/** Where a layer's files live in the generated repository: one row of the README's map. */
export interface LayerLayout {
  /** e.g. "1 Physical". */
  title: string;
  /** Top-level paths (directories end in /) the layer writes; the golden test fails on an undocumented one. */
  paths: string[];
  what: string;
  /** The layer's playbook (`ansible/playbooks/<layer>.yml`), imported by ansible/site.yml in registry order. */
  playbook?: string;
}

/** What a renderer may know beyond the Site: facts about the other layers, never their output. */
export interface RenderContext {
  /** Every registered layer's layout, in registry order. */
  layouts: readonly (LayerLayout & { layer: Layer })[];
}

export interface LayerModule {
  id: Layer;
  layout: LayerLayout;
  /** Pure: what this layer adds to the Site (hosts, VMs, VIPs, pools, services, its Site slice). */
  site?: SiteContribution;
  /**
   * Pure: the files this layer generates (none until it has a renderer). Throws UserError when the Site
   * cannot be expressed; never drops anything silently.
   */
  render?(site: Site, ctx: RenderContext): FileTree;
  /** Pure: internal rules over the Site (policy invariants, capacity, coverage). */
  rules?(site: Site): Diagnostic[];
  /** External validators this layer's output needs (e.g. nft -c, dnsmasq --test). */
  validators?(): Validator[];
  /** Pure: the apply steps for this layer's files (see src/apply/step.ts); none when absent. */
  steps?(site: Site, files: FileTree): Step[];
}
