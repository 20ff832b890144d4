// One cluster app as plain Kubernetes objects: its namespace, a StatefulSet for each container that keeps data
// (one replica, its directories on PersistentVolumeClaims) and a Deployment for the others, a Service per container
// (the companions headless, so `database` resolves as on the Compose network), the Ingress for its name on the
// cluster's shared Cilium ingress, a LoadBalancer Service sharing the ingress VIP for any other port, and for an app
// with metrics a NodePort Service that Prometheus on the monitor scrapes.
import {
  type AppContainer,
  type AppPort,
  appSecretVar,
  type CatalogApp,
  expandAppValue,
} from '../../../catalog/apps.ts';
import type { Site } from '../../../site/types.ts';
import type { ClusterApp } from './apps.ts';
import { appMetricsNodePort, l4Ports } from './apps.ts';
import { ingressServiceMeta } from './ingress.ts';

/** The Secret holding the app's secrets, one key per `.env` variable (DB_PASSWORD); made at deploy time, never rendered. */
export const appSecretObject = (app: CatalogApp) => `${app.name}-secrets`;
/** The TLS Secret of the app's Ingress (certificate and key for its name). */
export const appTlsSecret = (app: CatalogApp) => `${app.name}-tls`;
/** The IngressClass of Cilium's ingress controller, on both clusters. */
export const INGRESS_CLASS = 'cilium';

const labelsOf = (a: ClusterApp, c?: AppContainer) => ({
  'app.kubernetes.io/name': a.app.name,
  ...(c ? { 'app.kubernetes.io/component': c.service } : {}),
  'app.kubernetes.io/managed-by': 'beelab',
});
const selectorOf = (a: ClusterApp, c: AppContainer) => ({
  'app.kubernetes.io/name': a.app.name,
  'app.kubernetes.io/component': c.service,
});
const meta = (a: ClusterApp, name: string, c?: AppContainer) => ({
  name,
  namespace: a.app.name,
  labels: labelsOf(a, c),
});

/** Compose's health check as an exec probe: `CMD` runs as is, `CMD-SHELL` through sh -c. */
function probeCommand(test: string[]): string[] {
  const [kind, ...rest] = test;
  return kind === 'CMD-SHELL' ? ['sh', '-c', rest.join(' ')] : rest;
}

function env(c: AppContainer, a: ClusterApp, site: Site): object[] {
  return Object.entries(c.environment ?? {}).map(([name, value]) => {
    const whole = /^\{secret:([a-z0-9-]+)\}$/.exec(value);
    if (whole) {
      if (!a.app.secrets.some((s) => s.name === whole[1]))
        throw new Error(`catalog: ${a.app.name} uses {secret:${whole[1]}} but declares no such secret`);
      return {
        name,
        valueFrom: { secretKeyRef: { name: appSecretObject(a.app), key: appSecretVar(whole[1]!) } },
      };
    }
    const expanded = expandAppValue(a.app, value, {
      url: a.url,
      fqdn: a.service.fqdn!,
      tz: site.timezone,
      secret: (s) => {
        throw new Error(`catalog: ${a.app.name}/${c.service} ${name} embeds {secret:${s}} in a longer value`);
      },
    });
    return { name, value: expanded };
  });
}

function podSpec(c: AppContainer, a: ClusterApp, site: Site): Record<string, unknown> {
  const image = site.versions.images[c.image];
  if (!image)
    throw new Error(`clusterAppManifests: no pinned image ${c.image} (the versions rule reports it)`);
  const probe = { exec: { command: probeCommand(c.healthcheck) }, timeoutSeconds: 10 };
  const mounts = (c.volumes ?? []).map((v) => ({ name: v.dir, mountPath: v.target }));
  const volumes: object[] = (c.volumes ?? []).map((v) => ({
    name: v.dir,
    persistentVolumeClaim: { claimName: v.dir },
  }));
  if (c.shmSizeMb) {
    mounts.push({ name: 'shm', mountPath: '/dev/shm' });
    volumes.push({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: `${c.shmSizeMb}Mi` } });
  }
  const owner = (c.volumes ?? []).find((v) => v.uid !== undefined)?.uid;
  const vars = env(c, a, site);
  const ports = Object.entries(c.ports ?? {}).map(([name, containerPort]) => ({
    name,
    containerPort,
    protocol: portOf(a.app, name).protocol.toUpperCase(),
  }));
  return {
    ...(owner !== undefined ? { securityContext: { fsGroup: owner } } : {}),
    containers: [
      {
        name: c.service,
        image,
        ...(c.entrypoint ? { command: c.entrypoint } : {}),
        ...(c.command ? { args: c.command } : {}),
        ...(ports.length ? { ports } : {}),
        ...(vars.length ? { env: vars } : {}),
        resources: {
          requests: { cpu: `${Math.round(c.cpus * 250)}m`, memory: `${c.memoryMb}Mi` },
          limits: { cpu: `${Math.round(c.cpus * 1000)}m`, memory: `${c.memoryMb}Mi` },
        },
        // Compose's start_period: the probes begin once the startup probe has passed.
        startupProbe: {
          ...probe,
          periodSeconds: 10,
          failureThreshold: Math.ceil((c.startPeriodS ?? 30) / 10) + 5,
        },
        readinessProbe: { ...probe, periodSeconds: 30, failureThreshold: 3 },
        livenessProbe: { ...probe, periodSeconds: 30, failureThreshold: 5 },
        ...(mounts.length ? { volumeMounts: mounts } : {}),
      },
    ],
    ...(volumes.length ? { volumes } : {}),
  };
}

function portOf(app: CatalogApp, name: string): AppPort {
  const port = app.ports.find((p) => p.name === name);
  if (!port) throw new Error(`catalog: ${app.name} maps unknown port ${name}`);
  return port;
}

/** The kind of a container's workload: a StatefulSet when it keeps data, else a Deployment. */
const workloadKind = (c: AppContainer) => (c.volumes?.length ? 'StatefulSet' : 'Deployment');

/** The app's workloads as `kubectl rollout status` names them (`statefulset/database`), in its namespace. */
export function clusterWorkloads(a: Pick<ClusterApp, 'app'>): { namespace: string; workload: string }[] {
  return a.app.containers.map((c) => ({
    namespace: a.app.name,
    workload: `${workloadKind(c).toLowerCase()}/${c.service}`,
  }));
}

/** The workload of one container (see workloadKind) and its Service. */
function containerObjects(c: AppContainer, a: ClusterApp, site: Site): object[] {
  const template = { metadata: { labels: labelsOf(a, c) }, spec: podSpec(c, a, site) };
  const selector = { matchLabels: selectorOf(a, c) };
  const workload =
    workloadKind(c) === 'StatefulSet'
      ? {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: meta(a, c.service, c),
          spec: { serviceName: c.service, replicas: 1, selector, template },
        }
      : {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: meta(a, c.service, c),
          spec: { replicas: 1, selector, template },
        };
  const ports = Object.entries(c.ports ?? {}).map(([name, inside]) => {
    const p = portOf(a.app, name);
    return { name, port: p.port, targetPort: inside, protocol: p.protocol.toUpperCase() };
  });
  // A companion answers on its name only, like on the Compose network: headless, its pod's own address.
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(a, c.service, c),
    spec: ports.length
      ? { selector: selectorOf(a, c), ports }
      : { clusterIP: 'None', selector: selectorOf(a, c) },
  };
  return [workload, service];
}

/** The container serving the app's web port (the Ingress's backend). */
function webContainer(app: CatalogApp): AppContainer {
  const c = app.containers.find((x) => x.ports?.[app.web] !== undefined);
  if (!c) throw new Error(`catalog: no container of ${app.name} serves its web port ${app.web}`);
  return c;
}

/** Each file of the app's folder (name → its objects), in the order the kustomization lists them. */
export function clusterAppManifests(a: ClusterApp, site: Site): [string, object[]][] {
  const files: [string, object[]][] = [
    [
      'namespace.yaml',
      [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: a.app.name,
            labels: { ...labelsOf(a), 'pod-security.kubernetes.io/warn': 'baseline' },
          },
        },
      ],
    ],
  ];
  const dirs = [...new Set(a.app.containers.flatMap((c) => (c.volumes ?? []).map((v) => v.dir)))];
  if (dirs.length)
    files.push([
      'volumes.yaml',
      dirs.map((dir) => ({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: meta(a, dir),
        // The cluster's default StorageClass (k3s: local-path).
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
      })),
    ]);
  for (const c of a.app.containers) files.push([`${c.service}.yaml`, containerObjects(c, a, site)]);
  const web = webContainer(a.app);
  const fqdn = a.service.fqdn!;
  files.push([
    'ingress.yaml',
    [
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: meta(a, a.app.name),
        spec: {
          ingressClassName: INGRESS_CLASS,
          tls: [{ hosts: [fqdn], secretName: appTlsSecret(a.app) }],
          rules: [
            {
              host: fqdn,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: web.service, port: { name: a.app.web } } },
                  },
                ],
              },
            },
          ],
        },
      },
    ],
  ]);
  const extra = l4Ports(a);
  if (extra.length) {
    const owner = a.app.containers.find((c) => extra.some((p) => c.ports?.[p.name] !== undefined))!;
    files.push([
      'load-balancer.yaml',
      [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: {
            ...meta(a, `${a.app.name}-lb`, owner),
            labels: { ...labelsOf(a, owner), ...ingressServiceMeta(a.cluster, a.ingress).labels },
            annotations: ingressServiceMeta(a.cluster, a.ingress).annotations,
          },
          spec: {
            type: 'LoadBalancer',
            selector: selectorOf(a, owner),
            ports: extra.map((p) => ({
              name: p.name,
              port: p.port,
              targetPort: owner.ports![p.name]!,
              protocol: p.protocol.toUpperCase(),
            })),
          },
        },
      ],
    ]);
  }
  // Prometheus runs outside the cluster: the app's metrics port on a fixed NodePort of every node.
  if (a.app.metrics) {
    const name = a.app.metrics.port;
    const owner = a.app.containers.find((c) => c.ports?.[name] !== undefined);
    if (!owner) throw new Error(`catalog: no container of ${a.app.name} serves its metrics port ${name}`);
    files.push([
      'metrics.yaml',
      [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta(a, `${a.app.name}-metrics`, owner),
          spec: {
            type: 'NodePort',
            selector: selectorOf(a, owner),
            ports: [
              {
                name: 'metrics',
                port: portOf(a.app, name).port,
                targetPort: owner.ports![name]!,
                nodePort: appMetricsNodePort(a.app),
                protocol: 'TCP',
              },
            ],
          },
        },
      ],
    ]);
  }
  return files;
}
