// The clusters' exporters under k8s/<cluster>/monitoring/: on Talos the node exporter as a DaemonSet on the host
// network (host /proc, /sys and / read-only, a privileged namespace for Pod Security admission), on both clusters
// kube-state-metrics behind a NodePort with upstream's RBAC; every object passes kubernetes-models and the
// kustomization check, a planted error is found at its line; Prometheus scrapes each Talos node's exporter and each
// cluster's kube-state-metrics through flows the firewall has; the apps steps apply them before the apps. A cluster
// app with metrics gets a NodePort Service and its own job.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { checkWith, removeSites, where } from '../../../../test/support/check-site.ts';
import { PINNED, withApps } from '../../../../test/support/cluster-apps.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { APP_CATALOG } from '../../../catalog/apps.ts';
import { BUILTIN_VERSIONS, parseImageRef } from '../../../catalog/versions.ts';
import { renderSite } from '../../../project/render-site.ts';
import { layers } from '../../index.ts';
import { monitorReaches } from '../../observability/monitoring/reach.ts';
import { monitorHost, scrapeJobs } from '../../observability/monitoring/scrape-jobs.ts';
import { ORCHESTRATION_PLAYBOOK } from '../playbook.ts';
import { TALOS_SCRIPT } from '../talos/script.ts';
import { appMetricsNodePort, appMetricsService } from './apps.ts';
import { kustomizationValidator } from './kustomization.ts';
import {
  clusterMonitoringDir,
  KUBE_STATE_METRICS_NODE_PORT,
  kubeStateMetricsService,
  MONITORING_NAMESPACE,
} from './monitoring.ts';
import { CLUSTER_APPS_STEPS, K3S_APPS_TAG } from './steps.ts';
import { kubeModelsValidator } from './validate.ts';

afterAll(removeSites);

const REFERENCE = new URL('../../../../test/reference/', import.meta.url);
const kustomizations = kustomizationValidator(new URL('kustomize/kustomization.json', REFERENCE));

// biome-ignore lint/suspicious/noExplicitAny: parsed Kubernetes objects
type Obj = any;

const site = exampleSite('reference');
const tree = renderSite(site);
const filesUnder = (prefix: string) =>
  Object.fromEntries(
    tree
      .entries()
      .filter(([p]) => p.startsWith(prefix))
      .map(([p, e]) => [p, e.content]),
  );
const objects = (cluster: 'production' | 'devops'): Obj[] =>
  tree
    .entries()
    .filter(([p]) => p.startsWith(`${clusterMonitoringDir(cluster)}/`) && !p.endsWith('kustomization.yaml'))
    .flatMap(([, f]) => parseAllDocuments(f.content).map((d) => d.toJS()));
const find = (objs: Obj[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);

describe('the exporters of the reference clusters', () => {
  it('Talos gets the node exporter and kube-state-metrics, k3s kube-state-metrics only; all in one namespace', () => {
    const paths = (c: string) =>
      tree
        .entries()
        .map(([p]) => p)
        .filter((p) => p.startsWith(`k8s/${c}/monitoring/`))
        .sort();
    expect(paths('production')).toEqual([
      'k8s/production/monitoring/kube-state-metrics.yaml',
      'k8s/production/monitoring/kustomization.yaml',
      'k8s/production/monitoring/namespace.yaml',
      'k8s/production/monitoring/node-exporter.yaml',
    ]);
    // k3s nodes run Ubuntu's prometheus-node-exporter from the base role on :9100: a DaemonSet would collide
    expect(paths('devops')).toEqual([
      'k8s/devops/monitoring/kube-state-metrics.yaml',
      'k8s/devops/monitoring/kustomization.yaml',
      'k8s/devops/monitoring/namespace.yaml',
    ]);
    for (const c of ['production', 'devops'] as const)
      for (const o of objects(c))
        if (o.kind !== 'Namespace' && o.kind !== 'ClusterRole' && o.kind !== 'ClusterRoleBinding')
          expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(MONITORING_NAMESPACE);
  });

  it('every object passes kubernetes-models, every kustomization the schema with its resources present', async () => {
    const files = filesUnder('k8s/');
    const monitoring = Object.fromEntries(Object.entries(files).filter(([p]) => p.includes('/monitoring/')));
    const models = await checkWith(kubeModelsValidator, monitoring);
    expect(where(models)).toEqual([]);
    expect(models.status).toBe('passed');
    expect(models.files).toBe(5);
    const k = await checkWith(kustomizations, monitoring);
    expect(where(k)).toEqual([]);
    expect(k.files).toBe(2);
  });

  it('a planted error in the DaemonSet is found at its line', async () => {
    const path = 'k8s/production/monitoring/node-exporter.yaml';
    const text = filesUnder(path)[path]!;
    const broken = text.replace('hostNetwork: true', 'hostNetwork: yes-please');
    const line = broken.split('\n').findIndex((l) => l.includes('yes-please')) + 1;
    const r = await checkWith(kubeModelsValidator, { [path]: broken });
    expect(where(r)).toEqual([`${path}:${line}:7 error k8s-models`]);
    expect(r.diagnostics[0]!.message).toContain('spec.template.spec.hostNetwork must be boolean');
  });

  it("Talos: the DaemonSet reads the host's /proc, /sys and / read-only, on the host network and PID namespace, on every node", () => {
    const ds = find(objects('production'), 'DaemonSet', 'node-exporter');
    const pod = ds.spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.hostPID).toBe(true);
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    const [c] = pod.containers;
    const hostPaths = Object.fromEntries(pod.volumes.map((v: Obj) => [v.name, v.hostPath.path]));
    const mounted = Object.fromEntries(
      c.volumeMounts.map((m: Obj) => [hostPaths[m.name], { at: m.mountPath, ro: m.readOnly }]),
    );
    expect(mounted).toEqual({
      '/proc': { at: '/host/proc', ro: true },
      '/sys': { at: '/host/sys', ro: true },
      '/': { at: '/host/root', ro: true },
    });
    expect(c.args).toEqual(
      expect.arrayContaining([
        '--path.procfs=/host/proc',
        '--path.sysfs=/host/sys',
        '--path.rootfs=/host/root',
      ]),
    );
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.securityContext.runAsNonRoot).toBe(true);
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }]);
    // Talos enforces the baseline Pod Security level by default: hostNetwork, hostPID and hostPath need privileged
    const ns = find(objects('production'), 'Namespace', MONITORING_NAMESPACE);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    // k3s runs only kube-state-metrics there, which meets `restricted`
    const k3sNs = find(objects('devops'), 'Namespace', MONITORING_NAMESPACE);
    expect(k3sNs.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('images are the versions catalog digests', () => {
    const images = (['production', 'devops'] as const).flatMap((c) =>
      objects(c).flatMap((o) => (o.spec?.template?.spec?.containers ?? []).map((x: Obj) => x.image)),
    );
    expect(images.sort()).toEqual(
      [
        BUILTIN_VERSIONS.images['kube-state-metrics'],
        BUILTIN_VERSIONS.images['kube-state-metrics'],
        BUILTIN_VERSIONS.images['node-exporter'],
      ].sort(),
    );
    for (const i of images) expect(parseImageRef(i), i).toBeDefined();
  });

  it("kube-state-metrics: upstream's ClusterRole rules (examples/standard v2.19.1), bound to its account, a fixed NodePort", () => {
    const upstream = parse(
      readFileSync(new URL('kube-state-metrics/cluster-role.yaml', REFERENCE), 'utf8'),
    ) as Obj;
    const grants = (rules: Obj[]) =>
      rules
        .flatMap((r: Obj) =>
          r.apiGroups.flatMap((g: string) =>
            r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g}/${res}:${v}`)),
          ),
        )
        .sort();
    for (const c of ['production', 'devops'] as const) {
      const objs = objects(c);
      expect(grants(find(objs, 'ClusterRole', 'kube-state-metrics').rules)).toEqual(grants(upstream.rules));
      const binding = find(objs, 'ClusterRoleBinding', 'kube-state-metrics');
      expect(binding.roleRef.name).toBe('kube-state-metrics');
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'kube-state-metrics', namespace: MONITORING_NAMESPACE },
      ]);
      const deployment = find(objs, 'Deployment', 'kube-state-metrics');
      expect(deployment.spec.template.spec.serviceAccountName).toBe('kube-state-metrics');
      const svc = find(objs, 'Service', 'kube-state-metrics');
      expect(svc.spec.type).toBe('NodePort');
      expect(svc.spec.ports).toEqual([
        expect.objectContaining({ nodePort: KUBE_STATE_METRICS_NODE_PORT, targetPort: 'http-metrics' }),
      ]);
      expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
      expect(deployment.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    }
  });
});

describe('Prometheus on the monitor reaches them', () => {
  const jobs = scrapeJobs(site);
  const monitor = monitorHost(site)!;

  it("every Talos node's exporter is a node-exporter target at its address:9100, through a flow", () => {
    const node = jobs.find((j) => j.job === 'node-exporter')!;
    const talos = site.hosts.filter((h) => h.os === 'talos');
    expect(talos.length).toBe(5);
    for (const h of talos) {
      expect(node.targets.find((t) => t.labels.host === h.name)?.target, h.name).toBe(`${h.address}:9100`);
      expect(monitorReaches(site, site.flows, monitor, h.name, 'tcp', 9100), h.name).toBe(true);
    }
  });

  it("each cluster's kube-state-metrics: one job at its first control plane's NodePort, with a cluster label, through a flow", () => {
    for (const [cluster, first] of [
      ['production', site.production.controlPlanes[0]!],
      ['devops', site.devops.servers[0]!],
    ] as const) {
      const job = jobs.find((j) => j.job === kubeStateMetricsService(cluster))!;
      const host = site.hosts.find((h) => h.name === first)!;
      expect(job.targets).toEqual([
        {
          target: `${host.address}:${KUBE_STATE_METRICS_NODE_PORT}`,
          labels: expect.objectContaining({ host: first, cluster }),
        },
      ]);
      expect(monitorReaches(site, site.flows, monitor, first, 'tcp', KUBE_STATE_METRICS_NODE_PORT)).toBe(
        true,
      );
    }
    // the k3s servers sit behind the firewall: its rendered rules carry the NodePort
    expect(tree.get('network/opnsense/config.xml')!.content).toContain(String(KUBE_STATE_METRICS_NODE_PORT));
  });

  it('no job through the API server proxy or its credentials any more', () => {
    const prom = tree.get('monitoring/prometheus/prometheus.yml')!.content;
    expect(prom).not.toContain('/proxy/metrics');
    expect(prom).not.toContain('credentials_file');
  });
});

describe('the apps steps apply them, before the apps', () => {
  const steps = layers.flatMap((l) => l.steps?.(site, tree) ?? []);
  const byId = new Map(steps.map((s) => [s.id, s]));

  it('Talos: talos.sh apps applies k8s/production/monitoring first; the verify waits for both exporters', () => {
    const talosSh = tree.get(TALOS_SCRIPT)!.content;
    const apps = talosSh.slice(talosSh.indexOf('  apps)'), talosSh.indexOf('  health)'));
    expect(apps.indexOf('apply -k k8s/production/monitoring')).toBeGreaterThan(0);
    expect(apps.indexOf('apply -k k8s/production/monitoring')).toBeLessThan(
      apps.indexOf('apply -k k8s/production/apps'),
    );
    const s = byId.get(CLUSTER_APPS_STEPS.production)!;
    expect(s.inputs).toContain('k8s/production/monitoring/node-exporter.yaml');
    const script = (s.verify as { script: string }).script;
    expect(script).toContain('-n monitoring rollout status daemonset/node-exporter');
    expect(script).toContain('-n monitoring rollout status deployment/kube-state-metrics');
  });

  it('k3s: the play applies the monitoring kustomization, then the apps; the role copies and applies each', () => {
    const plays = parse(tree.get(ORCHESTRATION_PLAYBOOK)!.content) as Obj[];
    const play = plays.find((p) => p.tags.includes(K3S_APPS_TAG))!;
    const vars = play.tasks[0].vars;
    expect(vars.k3s_kustomizations).toEqual(['monitoring', 'apps']);
    expect(vars.k3s_apps_with_secrets).toBe(true);
    expect(vars.k3s_apps_workloads[0]).toEqual({
      namespace: 'monitoring',
      workload: 'deployment/kube-state-metrics',
    });
    expect(byId.get(CLUSTER_APPS_STEPS.devops)!.inputs).toContain(
      'k8s/devops/monitoring/kube-state-metrics.yaml',
    );
  });

  it('a site with clusters but no cluster app still gets the exporters and the step that applies them', () => {
    const single = exampleSite('single');
    const t = renderSite(single);
    expect(t.has('k8s/production/monitoring/node-exporter.yaml')).toBe(true);
    expect(t.has('k8s/production/apps/kustomization.yaml')).toBe(false);
    const ids = layers.flatMap((l) => l.steps?.(single, t) ?? []).map((s) => s.id);
    expect(ids).toContain(CLUSTER_APPS_STEPS.production);
    const plays = parse(t.get(ORCHESTRATION_PLAYBOOK)!.content) as Obj[];
    expect(single.devops.servers).toEqual(['k3s-s1']);
    const play = plays.find((p) => p.tags.includes(K3S_APPS_TAG))!;
    expect(play.tasks[0].vars.k3s_kustomizations).toEqual(['monitoring']);
    expect(play.tasks[0].vars.k3s_apps_with_secrets).toBe(false);
  });
});

describe("cluster apps' own metrics", () => {
  it('reference: uptime-kuma (metrics on its web port) gets a NodePort Service and a job at the first control plane, through a flow', () => {
    const path = 'k8s/production/apps/uptime-kuma/metrics.yaml';
    const [svc] = parseAllDocuments(tree.get(path)!.content).map((d) => d.toJS()) as Obj[];
    const kuma = APP_CATALOG.find((a) => a.name === 'uptime-kuma')!;
    expect(kuma.metrics).toEqual({ port: 'http', path: '/metrics' });
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports).toEqual([
      { name: 'metrics', port: 3001, targetPort: 3001, nodePort: appMetricsNodePort(kuma), protocol: 'TCP' },
    ]);
    // the selector is the server's, whose Deployment or StatefulSet carries those labels
    const server = parseAllDocuments(tree.get('k8s/production/apps/uptime-kuma/server.yaml')!.content)
      .map((d) => d.toJS())
      .find((d: Obj) => d.kind === 'StatefulSet' || d.kind === 'Deployment');
    expect(server.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(tree.get('k8s/production/apps/uptime-kuma/kustomization.yaml')!.content).toContain(
      '- metrics.yaml',
    );
    const job = scrapeJobs(site).find((j) => j.job === appMetricsService(kuma))!;
    const cp1 = site.hosts.find((h) => h.name === site.production.controlPlanes[0])!;
    expect(job.metricsPath).toBe('/metrics');
    expect(job.targets).toEqual([
      {
        target: `${cp1.address}:${appMetricsNodePort(kuma)}`,
        labels: expect.objectContaining({ host: cp1.name, cluster: 'production', layer: 'orchestration' }),
      },
    ]);
    expect(
      monitorReaches(site, site.flows, monitorHost(site)!, cp1.name, 'tcp', appMetricsNodePort(kuma)),
    ).toBe(true);
    // jellyfin on the DevOps cluster has no metrics: no Service, no job
    expect(tree.has('k8s/devops/apps/jellyfin/metrics.yaml')).toBe(false);
    expect(scrapeJobs(site).some((j) => j.job === 'jellyfin-metrics')).toBe(false);
  });

  it('every pinned app with metrics, on the DevOps cluster: its own NodePort, a job through the firewall, valid objects', async () => {
    const apps = withApps(PINNED.map((a) => `${a}@devops`));
    const t = renderSite(apps);
    const withMetrics = APP_CATALOG.filter((a) => a.metrics && PINNED.includes(a.name));
    expect(withMetrics.map((a) => a.name).sort()).toEqual(['forgejo', 'immich', 'uptime-kuma']);
    const ports = withMetrics.map(appMetricsNodePort);
    expect(new Set([...ports, KUBE_STATE_METRICS_NODE_PORT]).size).toBe(ports.length + 1);
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(30000);
    for (const p of ports) expect(p).toBeLessThanOrEqual(32767);
    const jobs = scrapeJobs(apps);
    const server = apps.hosts.find((h) => h.name === apps.devops.servers[0])!;
    for (const a of withMetrics) {
      expect(t.has(`k8s/devops/apps/${a.name}/metrics.yaml`), a.name).toBe(true);
      const job = jobs.find((j) => j.job === appMetricsService(a))!;
      expect(job.targets.map((x) => x.target)).toEqual([`${server.address}:${appMetricsNodePort(a)}`]);
      expect(job.targets[0]!.labels.cluster).toBe('devops');
      expect(
        monitorReaches(apps, apps.flows, monitorHost(apps)!, server.name, 'tcp', appMetricsNodePort(a)),
      ).toBe(true);
    }
    const files = Object.fromEntries(
      t
        .entries()
        .filter(([p]) => p.endsWith('/metrics.yaml'))
        .map(([p, e]) => [p, e.content]),
    );
    const models = await checkWith(kubeModelsValidator, files);
    expect(where(models)).toEqual([]);
    expect(models.files).toBe(3);
  });
});
