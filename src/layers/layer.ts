// The contract every layer implements: pure functions of the Site.
import type { Diagnostic } from '../check/diagnostic.ts';
import type { Validator } from '../check/validator.ts';
import type { Site } from '../site/types.ts';
import type { FileTree, Layer } from '../tree/file-tree.ts';

export interface LayerModule {
  id: Layer;
  /** Pure: the files this layer generates. Throws UserError when the Site cannot be expressed (never drops silently). */
  render(site: Site): FileTree;
  /** Pure: internal rules over the Site (policy invariants, capacity, coverage). */
  rules?(site: Site): Diagnostic[];
  /** External validators this layer's output needs (e.g. nft -c, dnsmasq --test). */
  validators?(): Validator[];
}
