// The Talos cluster's default StorageClass: Talos ships no provisioner, so the cluster apps' PersistentVolumeClaims
// would stay Pending. Rancher's local-path-provisioner (what k3s bundles) as Talos documents it: its volumes under
// /var (Talos's root is read-only), that directory bind-mounted into the kubelet (the cluster patch), its namespace
// privileged (its helper pods mount the host path). Images at the versions catalog's tags.
import type { Site } from '../../../site/types.ts';

/** Where on every node the volumes live: on Talos's EPHEMERAL partition, which upgrades keep. */
export const LOCAL_PATH_DIR = '/var/local-path-provisioner';
export const LOCAL_PATH_NAMESPACE = 'local-path-storage';
export const LOCAL_PATH_DEPLOYMENT = 'local-path-provisioner';
/** The StorageClass, named as on k3s, so a claim without a class binds the same way on both clusters. */
export const LOCAL_PATH_CLASS = 'local-path';
const CONFIG_MAP = 'local-path-config';
const SERVICE_ACCOUNT = 'local-path-provisioner-service-account';

/** The kubelet's bind mount of the volumes' directory (machine.kubelet.extraMounts of the cluster patch). */
export function localPathKubeletMount(): Record<string, unknown> {
  return {
    destination: LOCAL_PATH_DIR,
    type: 'bind',
    source: LOCAL_PATH_DIR,
    options: ['bind', 'rshared', 'rw'],
  };
}

const labels = { 'app.kubernetes.io/name': LOCAL_PATH_DEPLOYMENT, 'app.kubernetes.io/managed-by': 'beelab' };
const meta = (name: string, namespaced = true) => ({
  name,
  ...(namespaced ? { namespace: LOCAL_PATH_NAMESPACE } : {}),
  labels,
});

/** The helper pod's scripts: the provisioner hands the directory over in $VOL_DIR. */
const SETUP = '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\n';
const TEARDOWN = '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n';

export function localPathManifests(site: Site): object[] {
  const helperPod = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: helper-pod',
    'spec:',
    '  containers:',
    '    - name: helper-pod',
    `      image: docker.io/library/busybox:${site.versions.busybox}`,
    '      imagePullPolicy: IfNotPresent',
    '',
  ].join('\n');
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: LOCAL_PATH_NAMESPACE,
        // its helper pods mount the node's directory (hostPath): the baseline Talos enforces refuses them
        labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'privileged' },
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(SERVICE_ACCOUNT) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('local-path-provisioner-role'),
      rules: [
        {
          apiGroups: [''],
          resources: ['pods'],
          verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta('local-path-provisioner-role', false),
      rules: [
        {
          apiGroups: [''],
          resources: ['nodes', 'persistentvolumeclaims', 'configmaps', 'pods', 'pods/log'],
          verbs: ['get', 'list', 'watch'],
        },
        {
          apiGroups: [''],
          resources: ['persistentvolumes'],
          verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'],
        },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('local-path-provisioner-bind'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'local-path-provisioner-role' },
      subjects: [{ kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: LOCAL_PATH_NAMESPACE }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta('local-path-provisioner-bind', false),
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'local-path-provisioner-role',
      },
      subjects: [{ kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: LOCAL_PATH_NAMESPACE }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(LOCAL_PATH_DEPLOYMENT),
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': LOCAL_PATH_DEPLOYMENT } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: SERVICE_ACCOUNT,
            containers: [
              {
                name: LOCAL_PATH_DEPLOYMENT,
                image: `docker.io/rancher/local-path-provisioner:${site.versions.localPathProvisioner}`,
                imagePullPolicy: 'IfNotPresent',
                command: ['local-path-provisioner', 'start', '--config', '/etc/config/config.json'],
                env: [
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'CONFIG_MOUNT_PATH', value: '/etc/config/' },
                ],
                resources: {
                  requests: { cpu: '10m', memory: '32Mi' },
                  limits: { memory: '128Mi' },
                },
                volumeMounts: [{ name: 'config-volume', mountPath: '/etc/config/' }],
              },
            ],
            volumes: [{ name: 'config-volume', configMap: { name: CONFIG_MAP } }],
          },
        },
      },
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: LOCAL_PATH_CLASS,
        labels,
        // the class a claim without storageClassName gets, as on k3s
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'rancher.io/local-path',
      // the volume is made on the node the pod is scheduled to, once it is
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(CONFIG_MAP),
      data: {
        'config.json': `${JSON.stringify(
          { nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [LOCAL_PATH_DIR] }] },
          null,
          2,
        )}\n`,
        setup: SETUP,
        teardown: TEARDOWN,
        'helperPod.yaml': helperPod,
      },
    },
  ];
}
