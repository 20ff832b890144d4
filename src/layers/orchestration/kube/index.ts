// The cluster apps as a part of the orchestration layer: their manifests under k8s/<cluster>/apps/ and the script
// that prints their Secrets, the clusters' exporters under k8s/<cluster>/monitoring/, the rule that the apps'
// images are pinned, the kustomization validator (the objects are k8s-models', registered by k3s/), the k3s play
// that deploys them and each cluster's apps step.

import { unpinnedImageRules } from '../compose/rules.ts';
import type { OrchestrationPart, Play } from '../part.ts';
import { clusterApps } from './apps.ts';
import { kustomizationValidator } from './kustomization.ts';
import { clusterWorkloads } from './manifests.ts';
import {
  clusterMonitored,
  clusterMonitoringDir,
  monitoringWorkloads,
  renderClusterMonitoring,
} from './monitoring.ts';
import { renderClusterApps } from './render.ts';
import { appsOn, clusterAppsSteps, K3S_APPS_TAG } from './steps.ts';

/** The DevOps cluster's exporters and apps, on its first server (the k3s_server role's apps.yml). */
function k3sAppsPlays(site: Parameters<NonNullable<OrchestrationPart['plays']>>[0]): Play[] {
  const apps = appsOn(site, 'devops');
  const monitored = clusterMonitored(site, 'devops');
  if ((apps.length === 0 && !monitored) || site.devops.servers.length === 0) return [];
  const what = [
    ...(monitored ? ['its exporters'] : []),
    ...(apps.length ? [`the apps ${apps.map((a) => a.app.name).join(', ')}`] : []),
  ].join(', then ');
  return [
    {
      name: `DevOps cluster (k3s): ${what}`,
      hosts: 'k3s_server[0]',
      become: true,
      tags: ['k3s', K3S_APPS_TAG],
      tasks: [
        {
          name: 'Apply the exporters, the apps and their Secrets, and wait for every workload',
          'ansible.builtin.include_role': { name: 'k3s_server', tasks_from: 'apps.yml' },
          vars: {
            k3s_kustomizations: [
              ...(monitored ? [clusterMonitoringDir('devops').split('/').pop()] : []),
              ...(apps.length ? ['apps'] : []),
            ],
            k3s_apps_with_secrets: apps.length > 0,
            k3s_apps_workloads: [
              ...(monitored ? monitoringWorkloads('devops') : []),
              ...apps.flatMap(clusterWorkloads),
            ],
          },
        },
      ],
    },
  ];
}

export const clusterAppsPart: OrchestrationPart = {
  render: (site) => renderClusterApps(site).merge(renderClusterMonitoring(site)),
  rules: (site) => unpinnedImageRules(clusterApps(site), site, `its folder under k8s/`),
  validators: () => [kustomizationValidator()],
  plays: k3sAppsPlays,
  steps: clusterAppsSteps,
};
