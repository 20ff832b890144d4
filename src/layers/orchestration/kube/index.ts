// The cluster apps as a part of the orchestration layer: their manifests under k8s/<cluster>/apps/ and the script
// that prints their Secrets, the rule that their images are pinned, the kustomization validator (the objects are
// k8s-models', registered by k3s/), the k3s play that deploys them and each cluster's apps step.

import { unpinnedImageRules } from '../compose/rules.ts';
import type { OrchestrationPart, Play } from '../part.ts';
import { clusterApps } from './apps.ts';
import { kustomizationValidator } from './kustomization.ts';
import { clusterWorkloads } from './manifests.ts';
import { renderClusterApps } from './render.ts';
import { appsOn, clusterAppsSteps, K3S_APPS_TAG } from './steps.ts';

/** The DevOps cluster's apps, on its first server (the k3s_server role's apps.yml). */
function k3sAppsPlays(site: Parameters<NonNullable<OrchestrationPart['plays']>>[0]): Play[] {
  const apps = appsOn(site, 'devops');
  if (apps.length === 0 || site.devops.servers.length === 0) return [];
  return [
    {
      name: `DevOps cluster (k3s): the apps ${apps.map((a) => a.app.name).join(', ')}`,
      hosts: 'k3s_server[0]',
      become: true,
      tags: ['k3s', K3S_APPS_TAG],
      tasks: [
        {
          name: 'Apply the apps, their Secrets, and wait for every workload',
          'ansible.builtin.include_role': { name: 'k3s_server', tasks_from: 'apps.yml' },
          vars: { k3s_apps_workloads: apps.flatMap(clusterWorkloads) },
        },
      ],
    },
  ];
}

export const clusterAppsPart: OrchestrationPart = {
  render: renderClusterApps,
  rules: (site) => unpinnedImageRules(clusterApps(site), site, `its folder under k8s/`),
  validators: () => [kustomizationValidator()],
  plays: k3sAppsPlays,
  steps: clusterAppsSteps,
};
