// Each cluster's exporters for the monitor's Prometheus (outside the cluster), under k8s/<cluster>/monitoring/:
// kube-state-metrics (its RBAC as upstream's examples/standard at v2.19.1) behind a NodePort, and on Talos the
// node exporter as a DaemonSet on the host network (Talos has no packages). The k3s nodes run Ubuntu, whose node
// exporter the physical layer's base role installs on port 9100 already: a DaemonSet there would fight it for
// the port. Applied by the clusters' apps steps (steps.ts), before the apps.
import { imageOf } from '../../../catalog/versions.ts';
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/header.ts';
import { toYaml, toYamlDocuments } from '../../../tree/serialize/yaml.ts';
import type { AppCluster } from './apps.ts';

/** The namespace of the exporters on both clusters. */
export const MONITORING_NAMESPACE = 'monitoring';
/** kube-state-metrics' NodePort: Prometheus scrapes it at a node's address (Cilium answers on every node). */
export const KUBE_STATE_METRICS_NODE_PORT = 30808;
/** The node exporter's port on each node's own address (hostNetwork), as on every other Linux host. */
export const NODE_EXPORTER_HOST_PORT = 9100;
/** The versions catalog's keys of the two images. */
export const KUBE_STATE_METRICS_IMAGE = 'kube-state-metrics';
export const NODE_EXPORTER_IMAGE = 'node-exporter';

/** `k8s/<cluster>/monitoring`: `kubectl apply -k` deploys the cluster's exporters. */
export const clusterMonitoringDir = (cluster: AppCluster) => `k8s/${cluster}/monitoring`;

/** The name of the catalog service that Prometheus scrapes for a cluster's kube-state-metrics. */
export const kubeStateMetricsService = (cluster: AppCluster) => `kube-state-metrics-${cluster}`;

/** Whether the cluster exists and a monitor scrapes it: only then are its exporters rendered. */
export function clusterMonitored(site: Site, cluster: AppCluster): boolean {
  if (!site.hosts.some((h) => h.roles.includes('prometheus'))) return false;
  return cluster === 'production' ? site.production.controlPlanes.length > 0 : site.devops.servers.length > 0;
}

/** Whether the cluster gets the node-exporter DaemonSet (Talos only: k3s nodes have Debian's package). */
export const runsNodeExporterDaemonSet = (cluster: AppCluster) => cluster === 'production';

/** The cluster's exporter workloads, as `kubectl rollout status` names them. */
export function monitoringWorkloads(cluster: AppCluster): { namespace: string; workload: string }[] {
  return [
    ...(runsNodeExporterDaemonSet(cluster) ? ['daemonset/node-exporter'] : []),
    'deployment/kube-state-metrics',
  ].map((workload) => ({ namespace: MONITORING_NAMESPACE, workload }));
}

const labels = (name: string) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/component': 'exporter',
  'app.kubernetes.io/part-of': 'beelab-monitoring',
  'app.kubernetes.io/managed-by': 'beelab',
});
const meta = (name: string) => ({ name, namespace: MONITORING_NAMESPACE, labels: labels(name) });
const selector = (name: string) => ({ matchLabels: { 'app.kubernetes.io/name': name } });
const tag = (ref: string) => /:([\w][\w.-]*)@/.exec(ref)?.[1] ?? '';

/** Nothing more than reading: every container runs as nobody, without privileges, on a read-only root. */
const restricted = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 65534,
  runAsGroup: 65534,
  seccompProfile: { type: 'RuntimeDefault' },
};

function namespace(cluster: AppCluster): object {
  // The node exporter needs the host's network, PID namespace and paths: Talos enforces `baseline` by default.
  const level = runsNodeExporterDaemonSet(cluster) ? 'privileged' : 'restricted';
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: MONITORING_NAMESPACE,
      labels: {
        'app.kubernetes.io/managed-by': 'beelab',
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/audit': level,
        'pod-security.kubernetes.io/warn': level,
      },
    },
  };
}

/** The node exporter on every node (control planes too), reading the host's /proc, /sys and / read-only. */
function nodeExporter(site: Site): object[] {
  const name = 'node-exporter';
  const image = imageOf(site.versions, NODE_EXPORTER_IMAGE);
  const host = (volume: string, path: string) => ({ name: volume, hostPath: { path } });
  const mount = (volume: string, path: string) => ({
    name: volume,
    mountPath: path,
    readOnly: true,
    mountPropagation: 'HostToContainer',
  });
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(name),
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta(name),
      spec: {
        selector: selector(name),
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
        template: {
          metadata: { labels: { ...labels(name), 'app.kubernetes.io/version': tag(image) } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            hostNetwork: true,
            hostPID: true,
            priorityClassName: 'system-node-critical',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            // Every node, the control planes' NoSchedule taint included.
            tolerations: [{ operator: 'Exists' }],
            securityContext: { fsGroup: 65534 },
            containers: [
              {
                name,
                image,
                args: [
                  `--web.listen-address=:${NODE_EXPORTER_HOST_PORT}`,
                  '--path.procfs=/host/proc',
                  '--path.sysfs=/host/sys',
                  '--path.rootfs=/host/root',
                  '--path.udev.data=/host/root/run/udev/data',
                  '--no-collector.wifi',
                  '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/kubelet/.+|var/lib/containerd/.+)($|/)',
                  '--collector.netclass.ignored-devices=^(veth.*|lxc.*|cilium_.*)$',
                  '--collector.netdev.device-exclude=^(veth.*|lxc.*|cilium_.*)$',
                ],
                ports: [{ name: 'metrics', containerPort: NODE_EXPORTER_HOST_PORT, protocol: 'TCP' }],
                readinessProbe: { httpGet: { path: '/', port: NODE_EXPORTER_HOST_PORT } },
                livenessProbe: { httpGet: { path: '/', port: NODE_EXPORTER_HOST_PORT } },
                resources: {
                  requests: { cpu: '50m', memory: '64Mi' },
                  limits: { cpu: '250m', memory: '180Mi' },
                },
                securityContext: restricted,
                volumeMounts: [
                  mount('proc', '/host/proc'),
                  mount('sys', '/host/sys'),
                  mount('root', '/host/root'),
                ],
              },
            ],
            volumes: [host('proc', '/proc'), host('sys', '/sys'), host('root', '/')],
          },
        },
      },
    },
  ];
}

/** kube-state-metrics' ClusterRole: list and watch what it reports (upstream examples/standard, v2.19.1). */
const KSM_RULES: [string, string[]][] = [
  [
    '',
    [
      'configmaps',
      'secrets',
      'nodes',
      'pods',
      'services',
      'serviceaccounts',
      'resourcequotas',
      'replicationcontrollers',
      'limitranges',
      'persistentvolumeclaims',
      'persistentvolumes',
      'namespaces',
      'endpoints',
    ],
  ],
  ['apps', ['statefulsets', 'daemonsets', 'deployments', 'replicasets']],
  ['batch', ['cronjobs', 'jobs']],
  ['autoscaling', ['horizontalpodautoscalers']],
  ['policy', ['poddisruptionbudgets']],
  ['certificates.k8s.io', ['certificatesigningrequests']],
  ['discovery.k8s.io', ['endpointslices']],
  ['storage.k8s.io', ['storageclasses', 'volumeattachments']],
  ['admissionregistration.k8s.io', ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']],
  ['networking.k8s.io', ['networkpolicies', 'ingressclasses', 'ingresses']],
  ['coordination.k8s.io', ['leases']],
  ['rbac.authorization.k8s.io', ['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles']],
];

function kubeStateMetrics(site: Site): object[] {
  const name = 'kube-state-metrics';
  const image = imageOf(site.versions, KUBE_STATE_METRICS_IMAGE);
  const cluster = { name, labels: labels(name) };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name), automountServiceAccountToken: false },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: cluster,
      rules: [
        ...KSM_RULES.map(([group, resources]) => ({
          apiGroups: [group],
          resources,
          verbs: ['list', 'watch'],
        })),
        // Its own /metrics may be guarded by the API's authentication and authorization.
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: cluster,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: MONITORING_NAMESPACE }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name),
      spec: {
        replicas: 1,
        selector: selector(name),
        template: {
          metadata: { labels: { ...labels(name), 'app.kubernetes.io/version': tag(image) } },
          spec: {
            serviceAccountName: name,
            // The token is mounted for the API: the account itself does not mount one everywhere.
            automountServiceAccountToken: true,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name,
                image,
                ports: [
                  { name: 'http-metrics', containerPort: 8080, protocol: 'TCP' },
                  { name: 'telemetry', containerPort: 8081, protocol: 'TCP' },
                ],
                livenessProbe: {
                  httpGet: { path: '/livez', port: 'http-metrics' },
                  initialDelaySeconds: 5,
                  timeoutSeconds: 5,
                },
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'telemetry' },
                  initialDelaySeconds: 5,
                  timeoutSeconds: 5,
                },
                resources: {
                  requests: { cpu: '20m', memory: '64Mi' },
                  limits: { cpu: '200m', memory: '256Mi' },
                },
                securityContext: restricted,
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name),
      spec: {
        // The monitor is outside the cluster: a fixed port on every node's address.
        type: 'NodePort',
        selector: { 'app.kubernetes.io/name': name },
        ports: [
          {
            name: 'http-metrics',
            port: 8080,
            targetPort: 'http-metrics',
            nodePort: KUBE_STATE_METRICS_NODE_PORT,
            protocol: 'TCP',
          },
        ],
      },
    },
  ];
}

/** Each file of a cluster's monitoring folder (name → its objects), in the order the kustomization lists them. */
export function clusterMonitoringManifests(site: Site, cluster: AppCluster): [string, object[]][] {
  return [
    ['namespace.yaml', [namespace(cluster)]],
    ...(runsNodeExporterDaemonSet(cluster)
      ? ([['node-exporter.yaml', nodeExporter(site)]] as [string, object[]][])
      : []),
    ['kube-state-metrics.yaml', kubeStateMetrics(site)],
  ];
}

/** k8s/<cluster>/monitoring/ of every monitored cluster: its manifests and kustomization.yaml. */
export function renderClusterMonitoring(site: Site): FileTree {
  const tree = new FileTree();
  for (const cluster of ['production', 'devops'] as const) {
    if (!clusterMonitored(site, cluster)) continue;
    const dir = clusterMonitoringDir(cluster);
    const files = clusterMonitoringManifests(site, cluster);
    const first = cluster === 'production' ? site.production.controlPlanes[0] : site.devops.servers[0];
    const nodes = runsNodeExporterDaemonSet(cluster)
      ? `The node exporter runs on every node (hostNetwork, port ${NODE_EXPORTER_HOST_PORT}).`
      : "The nodes' node exporter is Ubuntu's package, installed by the base role (port 9100).";
    const what = `The ${cluster} cluster's exporters for Prometheus on the monitor.\n${nodes}\nkube-state-metrics answers on NodePort ${KUBE_STATE_METRICS_NODE_PORT} (scraped at ${first}).`;
    for (const [name, docs] of files)
      tree.add(
        `${dir}/${name}`,
        toYamlDocuments(docs, { header: `${GENERATED_NOTICE}\n${what}` }),
        'orchestration',
      );
    tree.add(
      `${dir}/kustomization.yaml`,
      toYaml(
        {
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: files.map(([name]) => name),
        },
        {
          header: `${GENERATED_NOTICE}\n${what}\nImages are pinned in versions.yaml. Deploy: kubectl apply -k ${dir} (beelab apply does it before the apps).`,
        },
      ),
      'orchestration',
    );
  }
  return tree;
}
