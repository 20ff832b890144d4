// The production Talos cluster: machine-config patches, the talosctl script, its validator and steps.
import type { OrchestrationPart } from '../part.ts';
import { renderTalos } from './render.ts';
import { talosRules } from './rules.ts';
import { talosValidator } from './schema.ts';
import { talosSteps } from './steps.ts';

export const talosPart: OrchestrationPart = {
  render: (site) => renderTalos(site),
  rules: talosRules,
  validators: () => [talosValidator()],
  steps: talosSteps,
};
