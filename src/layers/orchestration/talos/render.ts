// The production cluster's files: the Talos patches, the talosctl script and Cilium's Helm values.
import { talosSchematicYaml } from '../../../catalog/images.ts';
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/header.ts';
import { toYaml, toYamlDocuments } from '../../../tree/serialize/yaml.ts';
import { ciliumIngressValues, talosLbManifests } from '../kube/ingress.ts';
import { talosClusterName, talosClusterPatch, talosNodePatch, talosNodes } from './config.ts';
import {
  renderTalosScript,
  TALOS_CILIUM_VALUES,
  TALOS_CLUSTER_PATCH,
  TALOS_LB_MANIFESTS,
  TALOS_LB_POOL,
  TALOS_SCHEMATIC,
  TALOS_SCRIPT,
  TALOS_STORAGE_MANIFESTS,
  talosNodePatchPath,
} from './script.ts';
import { LOCAL_PATH_DIR, localPathManifests } from './storage.ts';

/** Whether the site has a Talos cluster to render (control planes and their VIP). */
export function hasTalos(site: Site): boolean {
  return site.production.controlPlanes.length > 0 && site.production.vip !== undefined;
}

/** Cilium on Talos as Talos documents it: no kube-proxy, the API through KubePrism, Talos's cgroup mount. */
export function talosCiliumValues(site: Site): Record<string, unknown> {
  return {
    cluster: { name: talosClusterName(site) },
    ipam: { mode: 'kubernetes' },
    kubeProxyReplacement: true,
    k8sServiceHost: 'localhost',
    k8sServicePort: 7445,
    securityContext: {
      capabilities: {
        ciliumAgent: [
          'CHOWN',
          'KILL',
          'NET_ADMIN',
          'NET_RAW',
          'IPC_LOCK',
          'SYS_ADMIN',
          'SYS_RESOURCE',
          'DAC_OVERRIDE',
          'FOWNER',
          'SETGID',
          'SETUID',
        ],
        cleanCiliumState: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE'],
      },
    },
    cgroup: { autoMount: { enabled: false }, hostRoot: '/sys/fs/cgroup' },
    // LB-IPAM hands out the cluster's pool; L2 announcements answer ARP for those addresses on the VLAN.
    l2announcements: { enabled: true },
    externalIPs: { enabled: true },
    ...ciliumIngressValues(site, 'production'),
  };
}

export function renderTalos(site: Site): FileTree {
  const tree = new FileTree();
  if (!hasTalos(site)) return tree;
  const header = (what: string) => `${GENERATED_NOTICE}\n${what}`;
  tree.add(
    TALOS_CLUSTER_PATCH,
    toYamlDocuments(talosClusterPatch(site), {
      header: header(
        `Cluster patch of ${talosClusterName(site)} (Talos ${site.production.version}): every node.\nApplied by talos/talos.sh through talosctl gen config --config-patch.`,
      ),
    }),
    'orchestration',
  );
  for (const host of talosNodes(site)) {
    tree.add(
      talosNodePatchPath(host.name),
      toYamlDocuments(talosNodePatch(site, host), {
        header: header(`Machine config patch of ${host.name} (talosctl apply-config --config-patch).`),
      }),
      'orchestration',
    );
  }
  tree.add(TALOS_SCRIPT, renderTalosScript(site), 'orchestration', 0o755);
  // Exactly the factory's bytes (no comment): `curl -X POST --data-binary @talos/schematic.yaml
  // https://factory.talos.dev/schematics` answers with the id in versions.yaml.
  tree.add(TALOS_SCHEMATIC, talosSchematicYaml(), 'orchestration');
  const lb = talosLbManifests(
    site,
    site.pools.find((p) => p.name === TALOS_LB_POOL),
  );
  if (lb.length)
    tree.add(
      TALOS_LB_MANIFESTS,
      toYamlDocuments(lb, {
        header: header(
          'Cilium LB-IPAM: the addresses of the LoadBalancer Services and their ARP announcements (talos/talos.sh cilium).',
        ),
      }),
      'orchestration',
    );
  tree.add(
    TALOS_STORAGE_MANIFESTS,
    toYamlDocuments(localPathManifests(site), {
      header: header(
        `local-path-provisioner ${site.versions.localPathProvisioner}: the default StorageClass local-path, volumes under ${LOCAL_PATH_DIR} on each node (talos/talos.sh storage).`,
      ),
    }),
    'orchestration',
  );
  tree.add(
    TALOS_CILIUM_VALUES,
    toYaml(talosCiliumValues(site), {
      header: header(
        `Helm values of Cilium ${site.versions.cilium} on the Talos cluster (talos/talos.sh cilium).`,
      ),
    }),
    'orchestration',
  );
  return tree;
}
