// talos/talos.sh: the talosctl commands that build the production cluster from the patches, one subcommand per
// apply step, so an admin without Beelab runs the same thing (`talos/talos.sh apply talos-cp1`).
import type { Site } from '../../../site/types.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/header.ts';
import { secretEnvName } from '../../step.ts';
import { clusterAppsDir } from '../kube/apps.ts';
import { clusterMonitoringDir } from '../kube/monitoring.ts';
import { appSecretsScriptPath } from '../kube/secrets.ts';
import {
  isControlPlane,
  talosClusterName,
  talosEndpoint,
  talosInstallerImage,
  talosNodes,
} from './config.ts';

export const TALOS_SCRIPT = 'talos/talos.sh';
export const TALOS_CLUSTER_PATCH = 'talos/cluster.yaml';
export const TALOS_SECRET = 'talos-secrets';
/** The site's versions catalog (src/project/versions-file.ts), named in diagnostics. */
export const VERSIONS_FILE_NAME = 'versions.yaml';
/** The Image Factory schematic (not a machine config: the validator leaves it out). */
export const TALOS_SCHEMATIC = 'talos/schematic.yaml';
export const talosNodePatchPath = (host: string) => `talos/nodes/${host}.yaml`;
/** Cilium's Helm values for the Talos cluster (kube-proxy replacement, LB-IPAM, KubePrism as the API). */
export const TALOS_CILIUM_VALUES = 'k8s/production/cilium-values.yaml';
/** Cilium LB-IPAM's pools and L2 announcement policy, applied once Cilium (and so its CRDs) runs. */
export const TALOS_LB_MANIFESTS = 'k8s/production/manifests/load-balancers.yaml';
/** The default StorageClass (local-path-provisioner), applied once the cluster is healthy. */
export const TALOS_STORAGE_MANIFESTS = 'k8s/production/manifests/local-path-provisioner.yaml';
/** The Site's load-balancer pool of the Talos cluster (orchestration/site.ts). */
export const TALOS_LB_POOL = 'talos-lb';

/** `v1.35.4` → `1.35.4` (talosctl takes the Kubernetes version without the v). */
const bare = (v: string) => v.replace(/^v/, '');
/** `v1.13.9` → `v1.13`: the config contract talosctl generates for. */
const contract = (v: string) => v.split('.').slice(0, 2).join('.');

export function renderTalosScript(site: Site): string {
  const nodes = talosNodes(site);
  const cps = nodes.filter((h) => isControlPlane(site, h));
  const workers = nodes.filter((h) => !isControlPlane(site, h));
  const first = cps[0];
  if (!first) throw new Error('renderTalosScript: a Talos cluster needs a control plane');
  const table = nodes
    .map((h) => `  ${h.name}) echo "${h.address} ${isControlPlane(site, h) ? 'controlplane' : 'worker'}" ;;`)
    .join('\n');
  return `#!/usr/bin/env bash
# ${GENERATED_NOTICE}
# The production Talos cluster ${talosClusterName(site)}, built with talosctl from the patches beside this script.
# Needs talosctl ${site.production.version}, helm, kubectl, age (and openssl for the apps). Run from anywhere:
#   talos/talos.sh apply NODE   apply the machine config (maintenance mode: --insecure; else authenticated)
#   talos/talos.sh bootstrap    bootstrap etcd on ${first.name}, once (a bootstrapped cluster is left alone)
#   talos/talos.sh kubeconfig   merge the cluster's talosconfig and kubeconfig into ~/.talos and ~/.kube
#   talos/talos.sh cilium       install or upgrade Cilium (the cluster's CNI) with Helm, then its LB-IPAM pools
#   talos/talos.sh health       wait until etcd, the API and every node are healthy
#   talos/talos.sh storage      install local-path-provisioner, the cluster's default StorageClass
#   talos/talos.sh apps         kubectl apply -k k8s/production/monitoring (the exporters), then
#                               k8s/production/apps and the Secrets they reference
# The cluster secrets (talosctl gen secrets, made once by beelab apply) are secrets/${TALOS_SECRET}.age.
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER=${talosClusterName(site)}
ENDPOINT=${talosEndpoint(site)}
FIRST_CONTROL_PLANE=${first.address}
CONTROL_PLANES="${cps.map((h) => h.address).join(',')}"
WORKERS="${workers.map((h) => h.address).join(',')}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"

# The secrets bundle: handed over by beelab apply, else decrypted with the admin's age key.
secrets_file() {
  if [[ -n "\${${secretEnvName(TALOS_SECRET)}:-}" ]]; then
    echo "$${secretEnvName(TALOS_SECRET)}"
  else
    age -d -i "\${BEELAB_AGE_IDENTITY:-$HOME/.config/beelab/age.key}" -o "$work/secrets.yaml" secrets/${TALOS_SECRET}.age
    echo "$work/secrets.yaml"
  fi
}

# controlplane.yaml, worker.yaml and talosconfig in the temporary directory, never in the repository.
gen_config() {
  talosctl gen config "$CLUSTER" "$ENDPOINT" \\
    --with-secrets "$(secrets_file)" \\
    --talos-version ${contract(site.production.version)} \\
    --kubernetes-version ${bare(site.versions.kubernetes)} \\
    --install-image ${talosInstallerImage(site)} \\
    --config-patch @${TALOS_CLUSTER_PATCH} \\
    --with-docs=false --with-examples=false \\
    --output "$work" --force >/dev/null
  export TALOSCONFIG="$work/talosconfig"
  local endpoints
  IFS=, read -ra endpoints <<<"$CONTROL_PLANES"
  talosctl config endpoint "\${endpoints[@]}"
}

node_of() {
  case "$1" in
${table}
  *) echo "unknown Talos node $1" >&2; exit 2 ;;
  esac
}

gen_config
case "\${1:-}" in
  apply)
    read -r address role <<<"$(node_of "\${2:?usage: talos.sh apply NODE}")"
    if talosctl -n "$address" version >/dev/null 2>&1; then
      talosctl -n "$address" apply-config --file "$work/$role.yaml" --config-patch "@talos/nodes/$2.yaml"
    else
      talosctl -n "$address" -e "$address" apply-config --insecure --file "$work/$role.yaml" --config-patch "@talos/nodes/$2.yaml"
    fi
    ;;
  bootstrap)
    if talosctl -n "$FIRST_CONTROL_PLANE" etcd members >/dev/null 2>&1; then
      echo "etcd already runs on $FIRST_CONTROL_PLANE: not bootstrapping again"
    else
      talosctl -n "$FIRST_CONTROL_PLANE" bootstrap
    fi
    ;;
  kubeconfig)
    talosctl config merge "$TALOSCONFIG"
    talosctl -n "$FIRST_CONTROL_PLANE" kubeconfig --force --merge
    ;;
  cilium)
    talosctl -n "$FIRST_CONTROL_PLANE" kubeconfig --force "$work/kubeconfig"
    helm upgrade --install cilium cilium --repo https://helm.cilium.io \\
      --version ${site.versions.cilium} --namespace kube-system \\
      --values ${TALOS_CILIUM_VALUES} --kubeconfig "$work/kubeconfig" --wait
    if [[ -f ${TALOS_LB_MANIFESTS} ]]; then
      kubectl --kubeconfig "$work/kubeconfig" apply -f ${TALOS_LB_MANIFESTS}
    fi
    ;;
  storage)
    talosctl -n "$FIRST_CONTROL_PLANE" kubeconfig --force "$work/kubeconfig"
    kubectl --kubeconfig "$work/kubeconfig" apply -f ${TALOS_STORAGE_MANIFESTS}
    ;;
  apps)
    talosctl -n "$FIRST_CONTROL_PLANE" kubeconfig --force "$work/kubeconfig"
    if [[ -f ${clusterMonitoringDir('production')}/kustomization.yaml ]]; then
      kubectl --kubeconfig "$work/kubeconfig" apply -k ${clusterMonitoringDir('production')}
    fi
    if [[ ! -f ${clusterAppsDir('production')}/kustomization.yaml ]]; then
      echo "no apps on the production cluster"
      exit 0
    fi
    kubectl --kubeconfig "$work/kubeconfig" apply -k ${clusterAppsDir('production')}
    ${appSecretsScriptPath('production')} | kubectl --kubeconfig "$work/kubeconfig" apply -f -
    ;;
  health)
    talosctl -n "$FIRST_CONTROL_PLANE" health --wait-timeout 10m \\
      --control-plane-nodes "$CONTROL_PLANES" \${WORKERS:+--worker-nodes "$WORKERS"}
    ;;
  *)
    echo "usage: talos.sh apply NODE | bootstrap | kubeconfig | cilium | health | storage | apps" >&2
    exit 2
    ;;
esac
`;
}
