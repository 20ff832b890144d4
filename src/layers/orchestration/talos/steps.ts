// The production cluster's apply steps: apply each node's config, bootstrap once, kubeconfig, Cilium, health.
import type { Site } from '../../../site/types.ts';
import type { FileTree } from '../../../tree/file-tree.ts';
import { PHYSICAL_STEPS, physicalSteps } from '../../physical/steps.ts';
import type { Step } from '../../step.ts';
import { isControlPlane, talosClusterName, talosNodes, talosVip } from './config.ts';
import { hasTalos } from './render.ts';
import {
  TALOS_CILIUM_VALUES,
  TALOS_CLUSTER_PATCH,
  TALOS_LB_MANIFESTS,
  TALOS_SCRIPT,
  TALOS_SECRET,
  TALOS_STORAGE_MANIFESTS,
  talosNodePatchPath,
} from './script.ts';
import { LOCAL_PATH_DEPLOYMENT, LOCAL_PATH_NAMESPACE } from './storage.ts';

export const TALOS_STEPS = {
  apply: (node: string) => `talos/apply/${node}`,
  bootstrap: 'talos/bootstrap',
  kubeconfig: 'talos/kubeconfig',
  cilium: 'talos/cilium',
  health: 'talos/health',
  storage: 'talos/storage',
} as const;

/** The step the cluster's VMs exist after (the physical layer creates them), when the site has one. */
export function vmsStep(site: Site, files: FileTree): string[] {
  return physicalSteps(site, files).some((s) => s.id === PHYSICAL_STEPS.vms) ? [PHYSICAL_STEPS.vms] : [];
}

export function talosSteps(site: Site, files: FileTree): Step[] {
  if (!hasTalos(site) || !files.has(TALOS_SCRIPT)) return [];
  const nodes = talosNodes(site);
  const cps = nodes.filter((h) => isControlPlane(site, h));
  const context = `admin@${talosClusterName(site)}`;
  const vip = talosVip(site)!;
  const common = { layer: 'orchestration' as const, rebuild: { phase: 'cluster' as const } };
  const run = (args: string) => ({ kind: 'shell' as const, script: `${TALOS_SCRIPT} ${args}` });
  const base = [TALOS_SCRIPT, TALOS_CLUSTER_PATCH];
  const out: Step[] = nodes.map((h) => ({
    ...common,
    id: TALOS_STEPS.apply(h.name),
    title: `Apply the Talos machine config of ${h.name} (${isControlPlane(site, h) ? 'control plane' : 'worker'})`,
    hosts: [h.name],
    run: run(`apply ${h.name}`),
    inputs: [...base, talosNodePatchPath(h.name)],
    after: vmsStep(site, files),
    secrets: [TALOS_SECRET],
    verify: { kind: 'tcp', host: h.address, port: 50000, timeoutMs: 300_000 },
  }));
  const names = cps.map((h) => h.name);
  out.push(
    {
      ...common,
      id: TALOS_STEPS.bootstrap,
      title: `Bootstrap etcd on ${names[0]} (once)`,
      hosts: names,
      run: run('bootstrap'),
      inputs: base,
      after: cps.map((h) => TALOS_STEPS.apply(h.name)),
      secrets: [TALOS_SECRET],
      // The VIP comes up on a control plane once etcd has a leader and the API server runs.
      verify: { kind: 'tcp', host: vip.address, port: 6443, timeoutMs: 600_000 },
    },
    {
      ...common,
      id: TALOS_STEPS.kubeconfig,
      title: `Merge the talosconfig and kubeconfig of ${talosClusterName(site)} (context ${context})`,
      hosts: names,
      run: run('kubeconfig'),
      inputs: base,
      after: [TALOS_STEPS.bootstrap],
      secrets: [TALOS_SECRET],
      verify: { kind: 'shell', script: `kubectl --context ${context} get --raw=/readyz` },
    },
    {
      ...common,
      id: TALOS_STEPS.cilium,
      title: `Cilium ${site.versions.cilium} as the CNI and kube-proxy of ${talosClusterName(site)} (Helm)`,
      hosts: names,
      run: run('cilium'),
      inputs: [...base, TALOS_CILIUM_VALUES, ...(files.has(TALOS_LB_MANIFESTS) ? [TALOS_LB_MANIFESTS] : [])],
      after: [TALOS_STEPS.kubeconfig],
      secrets: [TALOS_SECRET],
      verify: {
        kind: 'shell',
        script: `kubectl --context ${context} -n kube-system rollout status daemonset/cilium --timeout=5m`,
      },
    },
    {
      ...common,
      id: TALOS_STEPS.health,
      title: `Talos health: etcd, the API on ${vip.address} and all ${nodes.length} nodes Ready`,
      hosts: nodes.map((h) => h.name),
      run: run('health'),
      inputs: base,
      after: [TALOS_STEPS.cilium, ...nodes.map((h) => TALOS_STEPS.apply(h.name))],
      secrets: [TALOS_SECRET],
      verify: {
        kind: 'shell',
        script: `kubectl --context ${context} wait --for=condition=Ready nodes --all --timeout=5m`,
      },
    },
    {
      ...common,
      id: TALOS_STEPS.storage,
      title: `local-path-provisioner ${site.versions.localPathProvisioner}: the default StorageClass of ${talosClusterName(site)}`,
      hosts: names,
      run: run('storage'),
      inputs: [...base, TALOS_STORAGE_MANIFESTS],
      after: [TALOS_STEPS.health],
      secrets: [TALOS_SECRET],
      verify: {
        kind: 'shell',
        script: `kubectl --context ${context} -n ${LOCAL_PATH_NAMESPACE} rollout status deployment/${LOCAL_PATH_DEPLOYMENT} --timeout=5m`,
      },
      notInLab: 'the lab emulates no Talos node, and the provisioner pulls its image from a public registry',
    },
  );
  return out;
}
