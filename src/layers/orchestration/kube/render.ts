// The cluster apps' files: k8s/<cluster>/apps/<app>/ (its objects and kustomization.yaml) and
// k8s/<cluster>/apps/kustomization.yaml over every app of that cluster.
import { appSecretVar } from '../../../catalog/apps.ts';
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/header.ts';
import { toYaml, toYamlDocuments } from '../../../tree/serialize/yaml.ts';
import { unpinnedImages } from '../compose/project.ts';
import { type AppCluster, type ClusterApp, clusterApps, clusterAppsDir } from './apps.ts';
import { appSecretObject, appTlsSecret, clusterAppManifests } from './manifests.ts';
import { appSecretsScriptPath, renderAppSecretsScript } from './secrets.ts';

export const KUSTOMIZE_API = 'kustomize.config.k8s.io/v1beta1';

/** The cluster apps that are rendered: every image pinned (the others are reported at versions.yaml). */
export function deployedClusterApps(site: Site): ClusterApp[] {
  return clusterApps(site).filter((a) => unpinnedImages(a, site).length === 0);
}

const kustomization = (extra: Record<string, unknown>) => ({
  apiVersion: KUSTOMIZE_API,
  kind: 'Kustomization',
  ...extra,
});

export function renderClusterApps(site: Site): FileTree {
  const tree = new FileTree();
  const byCluster = new Map<AppCluster, ClusterApp[]>();
  for (const a of deployedClusterApps(site)) {
    byCluster.set(a.cluster, [...(byCluster.get(a.cluster) ?? []), a]);
    const files = clusterAppManifests(a, site);
    const what = `${a.app.description} at ${a.url} on the ${a.cluster} cluster (namespace ${a.app.name}).`;
    for (const [name, docs] of files)
      tree.add(
        `${a.dir}/${name}`,
        toYamlDocuments(docs, { header: `${GENERATED_NOTICE}\n${what}` }),
        'orchestration',
      );
    const secrets = a.app.secrets.length
      ? `\nIt needs the Secret ${appSecretObject(a.app)} (keys ${a.app.secrets.map((s) => appSecretVar(s.name)).join(', ')}) and`
      : '\nIt needs';
    tree.add(
      `${a.dir}/kustomization.yaml`,
      toYaml(kustomization({ namespace: a.app.name, resources: files.map(([name]) => name) }), {
        header: `${GENERATED_NOTICE}\n${what}\nImages are pinned in versions.yaml.${secrets} the TLS Secret ${appTlsSecret(a.app)} for ${a.service.fqdn}\nin the namespace: ${appSecretsScriptPath(a.cluster)} | kubectl apply -f - (beelab apply does both).\nDeploy: kubectl apply -k ${a.dir}`,
      }),
      'orchestration',
    );
  }
  for (const [cluster, apps] of byCluster) {
    tree.add(appSecretsScriptPath(cluster), renderAppSecretsScript(cluster, apps), 'orchestration', 0o755);
    tree.add(
      `${clusterAppsDir(cluster)}/kustomization.yaml`,
      toYaml(kustomization({ resources: apps.map((a) => a.app.name) }), {
        header: `${GENERATED_NOTICE}\nEvery app of the ${cluster} cluster: kubectl apply -k ${clusterAppsDir(cluster)}`,
      }),
      'orchestration',
    );
  }
  return tree;
}
