// The network model: the policy and addressing compiled once per Site, read by every backend, rule and proof.
import type { Site } from '../../site/types.ts';
import { compileAddressing } from './policy/addressing.ts';
import { compilePolicy } from './policy/compile.ts';
import type { Addressing, Policy } from './policy/types.ts';

export interface NetworkModel {
  site: Site;
  policy: Policy;
  addressing: Addressing;
}

/** A Site is never mutated after resolve, so its model is computed once and shared (render, rules, proof). */
const cache = new WeakMap<Site, NetworkModel>();

/** Compiles (or returns the already compiled) policy and addressing; throws UserError like the compilers. */
export function networkModel(site: Site): NetworkModel {
  let model = cache.get(site);
  if (!model) {
    model = { site, policy: compilePolicy(site), addressing: compileAddressing(site) };
    cache.set(site, model);
  }
  return model;
}
