// The DevOps k3s cluster: roles, manifests, plays, validators and steps.
import { crdValidator, kubeModelsValidator } from '../kube/validate.ts';
import type { OrchestrationPart } from '../part.ts';
import { k3sPlays, renderK3s } from './render.ts';
import { k3sSteps } from './steps.ts';

export const k3sPart: OrchestrationPart = {
  render: (site) => renderK3s(site),
  plays: k3sPlays,
  validators: () => [kubeModelsValidator, crdValidator()],
  steps: k3sSteps,
};
