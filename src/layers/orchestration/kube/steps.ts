// The cluster apps' apply steps, one per cluster with apps or exporters: `kubectl apply -k k8s/<cluster>/monitoring`
// (the exporters Prometheus scrapes), `kubectl apply -k k8s/<cluster>/apps`, then the Secrets the manifests
// reference (k8s/<cluster>/app-secrets.sh piped to `kubectl apply -f -`), verified by every workload rolled out. On k3s through the orchestration playbook on the first server (`k3s
// kubectl`, as the k3s steps do); on Talos through talos/talos.sh with the kubeconfig talosctl writes from the
// age-encrypted cluster secrets.
import type { Site } from '../../../site/types.ts';
import type { FileTree } from '../../../tree/file-tree.ts';
import { INVENTORY_PATH } from '../../devops/ansible-inventory.ts';
import { ANSIBLE_CFG_PATH } from '../../devops/ansible-scaffold.ts';
import { type Step, shellQuote } from '../../step.ts';
import { K3S_GROUP_VARS } from '../k3s/render.ts';
import { K3S_STEPS } from '../k3s/steps.ts';
import { ORCHESTRATION_PLAYBOOK } from '../playbook.ts';
import { talosClusterName } from '../talos/config.ts';
import { TALOS_CLUSTER_PATCH, TALOS_SCRIPT, TALOS_SECRET } from '../talos/script.ts';
import { TALOS_STEPS } from '../talos/steps.ts';
import { type AppCluster, type ClusterApp, clusterAppsDir } from './apps.ts';
import { clusterWorkloads } from './manifests.ts';
import { clusterMonitored, clusterMonitoringDir, monitoringWorkloads } from './monitoring.ts';
import { deployedClusterApps } from './render.ts';
import { appSecretsScriptPath, clusterAppsSecretNames } from './secrets.ts';

export const CLUSTER_APPS_STEPS: Record<AppCluster, string> = {
  devops: 'k3s/apps',
  production: 'talos/apps',
};
/** The tag of the k3s play that deploys the apps. */
export const K3S_APPS_TAG = 'k3s-apps';
/** How long each workload may take to roll out (first start pulls its images). */
export const ROLLOUT_TIMEOUT = '10m';

const NO_REGISTRY =
  "the apps pull their images from public registries, which the lab's machines cannot reach";
const NOT_IN_LAB: Record<AppCluster, string> = {
  devops: `the k3s VMs run Ubuntu, which the lab keeps as network stubs, and ${NO_REGISTRY}`,
  production: `the lab emulates no Talos node, and ${NO_REGISTRY}`,
};

/** The apps of one cluster that are deployed (every image pinned), in Site order. */
export function appsOn(site: Site, cluster: AppCluster): ClusterApp[] {
  return deployedClusterApps(site).filter((a) => a.cluster === cluster);
}

/** The workloads a cluster's apps step rolls out: its exporters (when monitored), then its apps'. */
function stepWorkloads(site: Site, cluster: AppCluster): { namespace: string; workload: string }[] {
  return [
    ...(clusterMonitored(site, cluster) ? monitoringWorkloads(cluster) : []),
    ...appsOn(site, cluster).flatMap(clusterWorkloads),
  ];
}

/** `kubectl … rollout status` of every workload, each with the timeout, joined by `&&`. */
export function rolloutScript(
  workloads: readonly { namespace: string; workload: string }[],
  kubectl: string,
): string {
  return workloads
    .map((w) => `${kubectl} -n ${w.namespace} rollout status ${w.workload} --timeout=${ROLLOUT_TIMEOUT}`)
    .join(' && ');
}

/** What a cluster's step deploys, for its title: the exporters, then the apps by name. */
function stepWhat(site: Site, cluster: AppCluster): string {
  const apps = appsOn(site, cluster);
  const parts = [
    ...(clusterMonitored(site, cluster)
      ? [`its exporters (kubectl apply -k ${clusterMonitoringDir(cluster)})`]
      : []),
    ...(apps.length
      ? [
          `the apps ${apps.map((a) => a.app.name).join(', ')} (kubectl apply -k ${clusterAppsDir(cluster)}, their Secrets)`,
        ]
      : []),
  ];
  return `${parts.join(', then ')}, every workload rolled out`;
}

/** The files a cluster's apps step reads: its manifests and its secrets script, plus what runs them. */
function appInputs(files: FileTree, cluster: AppCluster, runners: (p: string) => boolean): string[] {
  return files
    .entries()
    .map(([p]) => p)
    .filter(
      (p) =>
        p.startsWith(`${clusterAppsDir(cluster)}/`) ||
        p.startsWith(`${clusterMonitoringDir(cluster)}/`) ||
        p === appSecretsScriptPath(cluster) ||
        runners(p),
    )
    .sort();
}

export function clusterAppsSteps(site: Site, files: FileTree): Step[] {
  const out: Step[] = [];
  const devops = appsOn(site, 'devops');
  const devopsWorkloads = stepWorkloads(site, 'devops');
  if (devopsWorkloads.length > 0 && files.has(ORCHESTRATION_PLAYBOOK)) {
    const kubectl = '/usr/local/bin/k3s kubectl';
    out.push({
      id: CLUSTER_APPS_STEPS.devops,
      layer: 'orchestration',
      title: `The DevOps cluster's ${stepWhat(site, 'devops')}`,
      hosts: site.devops.servers.slice(0, 1),
      run: {
        kind: 'ansible-playbook',
        playbook: ORCHESTRATION_PLAYBOOK,
        tags: [K3S_APPS_TAG],
        config: ANSIBLE_CFG_PATH,
      },
      inputs: appInputs(
        files,
        'devops',
        (p) =>
          p === ORCHESTRATION_PLAYBOOK ||
          p === ANSIBLE_CFG_PATH ||
          p === INVENTORY_PATH ||
          p === K3S_GROUP_VARS ||
          p.startsWith('ansible/roles/k3s_server/'),
      ),
      after: [files.has('k3s/manifests/metallb.yaml') ? K3S_STEPS.metallb : K3S_STEPS.cilium],
      secrets: devops.length ? clusterAppsSecretNames(devops) : [],
      // From the admin's machine the cluster answers only on the server (its kubeconfig is there): over SSH.
      verify: {
        kind: 'shell',
        script: [
          'env',
          `ANSIBLE_CONFIG=${ANSIBLE_CFG_PATH}`,
          'ansible',
          'k3s_server[0]',
          '-i',
          INVENTORY_PATH,
          '--become',
          '-m',
          'ansible.builtin.shell',
          '-a',
          rolloutScript(devopsWorkloads, kubectl),
        ]
          .map(shellQuote)
          .join(' '),
      },
      rebuild: { phase: 'app' },
      notInLab: NOT_IN_LAB.devops,
    });
  }
  const production = appsOn(site, 'production');
  const productionWorkloads = stepWorkloads(site, 'production');
  if (productionWorkloads.length > 0 && files.has(TALOS_SCRIPT)) {
    out.push({
      id: CLUSTER_APPS_STEPS.production,
      layer: 'orchestration',
      title: `The production cluster's ${stepWhat(site, 'production')}`,
      hosts: site.production.controlPlanes.slice(0, 1),
      run: { kind: 'shell', script: `${TALOS_SCRIPT} apps` },
      inputs: appInputs(files, 'production', (p) => p === TALOS_SCRIPT || p === TALOS_CLUSTER_PATCH),
      after: [TALOS_STEPS.storage],
      secrets: [TALOS_SECRET, ...(production.length ? clusterAppsSecretNames(production) : [])],
      verify: {
        kind: 'shell',
        script: rolloutScript(productionWorkloads, `kubectl --context admin@${talosClusterName(site)}`),
      },
      rebuild: { phase: 'app' },
      notInLab: NOT_IN_LAB.production,
    });
  }
  return out;
}
