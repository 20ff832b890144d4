// Deploying the cluster apps: one step per cluster after its bootstrap, CNI and load balancers, applying the
// kustomization and then the Secrets, verified by every Deployment and StatefulSet of the manifests rolled out; the
// Secrets script, run for real with openssl and a CA the secret tool makes, prints exactly the Secrets (and keys)
// the manifests reference, valid for the Kubernetes API, with certificates for the apps' names chaining to the CA.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { validate } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { PINNED, withApps } from '../../../../test/support/cluster-apps.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { requireTool } from '../../../../test/support/tools.ts';
import { graphProblems } from '../../../apply/graph.ts';
import { checkDir } from '../../../check/check-dir.ts';
import { shellcheck } from '../../../check/validators/shellcheck.ts';
import { renderSite } from '../../../project/render-site.ts';
import { siteSecrets } from '../../../secrets/catalog.ts';
import { produceSecret } from '../../../secrets/use.ts';
import type { Site } from '../../../site/types.ts';
import type { FileTree } from '../../../tree/file-tree.ts';
import { layers } from '../../index.ts';
import { type Step, secretEnvName } from '../../step.ts';
import { K3S_STEPS } from '../k3s/steps.ts';
import { ORCHESTRATION_PLAYBOOK } from '../playbook.ts';
import { TALOS_SCRIPT } from '../talos/script.ts';
import { TALOS_STEPS } from '../talos/steps.ts';
import type { AppCluster } from './apps.ts';
import { appSecretsScriptPath, CLUSTER_APPS_CA, CLUSTER_APPS_ROOT } from './secrets.ts';
import { CLUSTER_APPS_STEPS, K3S_APPS_TAG } from './steps.ts';

/** The Kubernetes API's schema of a Secret, as kubernetes-models compiles it. */
const secretSchema = validate as ((d: unknown) => boolean) & { errors?: ErrorObject[] | null };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const stepsOf = (site: Site, tree: FileTree) => layers.flatMap((l) => l.steps?.(site, tree) ?? []);

/** Every workload under k8s/<cluster>/apps and k8s/<cluster>/monitoring, read from the rendered manifests. */
function workloadsIn(tree: FileTree, cluster: AppCluster): string[] {
  return tree
    .entries()
    .filter(
      ([p]) =>
        (p.startsWith(`k8s/${cluster}/apps/`) || p.startsWith(`k8s/${cluster}/monitoring/`)) &&
        !p.endsWith('kustomization.yaml'),
    )
    .flatMap(([, f]) => parseAllDocuments(f.content).map((d) => d.toJS()))
    .filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet' || d.kind === 'DaemonSet')
    .map(
      (d) =>
        `-n ${d.metadata.namespace} rollout status ${d.kind.toLowerCase()}/${d.metadata.name} --timeout=10m`,
    )
    .sort();
}

/** The rollout commands of a verify script, without the kubectl that runs them. */
const rollouts = (script: string) =>
  [...script.matchAll(/-n \S+ rollout status \S+ --timeout=\S+?(?=['\s]|$)/g)].map((m) => m[0]).sort();

describe('the apps steps of the reference', () => {
  const site = exampleSite('reference');
  const tree = renderSite(site);
  const steps = stepsOf(site, tree);
  const byId = new Map(steps.map((s) => [s.id, s]));

  it('one per cluster, after its bootstrap, Cilium, load balancers (and on Talos the StorageClass); a valid graph; every input rendered', () => {
    expect(graphProblems(steps, new Set(site.hosts.map((h) => h.name)))).toEqual([]);
    const k3s = byId.get(CLUSTER_APPS_STEPS.devops)!;
    const talos = byId.get(CLUSTER_APPS_STEPS.production)!;
    expect(k3s.after).toEqual([K3S_STEPS.metallb]);
    // the default StorageClass first (the apps' claims bind to it); it runs after the health check, which runs
    // after Cilium, which applies the LB-IPAM pools
    expect(talos.after).toEqual([TALOS_STEPS.storage]);
    expect(byId.get(TALOS_STEPS.storage)!.after).toEqual([TALOS_STEPS.health]);
    expect(byId.get(TALOS_STEPS.health)!.after).toContain(TALOS_STEPS.cilium);
    for (const s of [k3s, talos]) {
      expect(s.rebuild).toEqual({ phase: 'app' });
      for (const input of s.inputs) expect(tree.has(input), input).toBe(true);
      expect(s.notInLab).toMatch(/registr/);
    }
    expect(k3s.inputs).toContain('k8s/devops/apps/jellyfin/server.yaml');
    expect(k3s.inputs).toContain('ansible/roles/k3s_server/tasks/apps.yml');
    expect(talos.inputs).toContain('k8s/production/apps/uptime-kuma/server.yaml');
    expect(talos.inputs).toContain(TALOS_SCRIPT);
  });

  it('k3s: the playbook with the apps tag on the first server; the play applies, makes the Secrets, waits', () => {
    const s = byId.get(CLUSTER_APPS_STEPS.devops)!;
    expect(s.run).toEqual({
      kind: 'ansible-playbook',
      playbook: ORCHESTRATION_PLAYBOOK,
      tags: [K3S_APPS_TAG],
      config: 'ansible/ansible.cfg',
    });
    expect(s.hosts).toEqual([site.devops.servers[0]]);
    expect(s.secrets).toEqual([CLUSTER_APPS_CA]);
    const plays = parse(tree.get(ORCHESTRATION_PLAYBOOK)!.content) as {
      hosts: string;
      tags: string[];
      tasks?: { vars: { k3s_apps_workloads: { namespace: string; workload: string }[] } }[];
    }[];
    const play = plays.find((p) => p.tags.includes(K3S_APPS_TAG))!;
    expect(play.hosts).toBe('k3s_server[0]');
    expect(play.tasks![0]!.vars.k3s_apps_workloads).toEqual([
      { namespace: 'monitoring', workload: 'deployment/kube-state-metrics' },
      { namespace: 'jellyfin', workload: 'statefulset/server' },
    ]);
    // the play runs after Cilium's and MetalLB's
    expect(plays.indexOf(play)).toBeGreaterThan(plays.findIndex((p) => p.tags.includes('k3s-metallb')));
    const tasks = parse(tree.get('ansible/roles/k3s_server/tasks/apps.yml')!.content) as Record<
      string,
      unknown
    >[];
    const commands = tasks.map((t) => JSON.stringify(t['ansible.builtin.command'] ?? ''));
    expect(commands.findIndex((c) => c.includes('apply -k'))).toBeLessThan(
      commands.findIndex((c) => c.includes('apply -f -')),
    );
    const secretTasks = tasks.filter((t) => JSON.stringify(t).includes('k3s_apps_secrets'));
    for (const t of secretTasks) expect(t.no_log, String(t.name)).toBe(true);
  });

  it('k3s: verified over SSH by every Deployment and StatefulSet of the manifests rolled out', () => {
    const v = byId.get(CLUSTER_APPS_STEPS.devops)!.verify!;
    expect(v.kind).toBe('shell');
    const script = (v as { script: string }).script;
    expect(script).toMatch(
      /^env ANSIBLE_CONFIG=ansible\/ansible.cfg ansible 'k3s_server\[0\]' -i ansible\/inventory.yml --become/,
    );
    expect(script).toContain('/usr/local/bin/k3s kubectl -n jellyfin rollout status statefulset/server');
    expect(rollouts(script)).toEqual(workloadsIn(tree, 'devops'));
  });

  it('Talos: talos.sh apps with the cluster secrets; verified with the cluster context, every workload', () => {
    const s = byId.get(CLUSTER_APPS_STEPS.production)!;
    expect(s.run).toEqual({ kind: 'shell', script: `${TALOS_SCRIPT} apps` });
    expect(s.secrets).toEqual(['talos-secrets', CLUSTER_APPS_CA]);
    const script = (s.verify as { script: string }).script;
    expect(
      script.startsWith(
        'kubectl --context admin@beelab-production -n monitoring rollout status daemonset/node-exporter',
      ),
    ).toBe(true);
    expect(script).toContain('kubectl --context admin@beelab-production -n uptime-kuma rollout status');
    expect(rollouts(script)).toEqual(workloadsIn(tree, 'production'));
    const talosSh = tree.get(TALOS_SCRIPT)!.content;
    const apps = talosSh.slice(talosSh.indexOf('  apps)'), talosSh.indexOf('  health)'));
    expect(apps).toContain('talosctl -n "$FIRST_CONTROL_PLANE" kubeconfig --force "$work/kubeconfig"');
    expect(apps.indexOf('apply -k k8s/production/apps')).toBeLessThan(
      apps.indexOf(
        `${appSecretsScriptPath('production')} | kubectl --kubeconfig "$work/kubeconfig" apply -f -`,
      ),
    );
  });

  it('where no app runs on a cluster, the step applies the exporters alone', () => {
    for (const tier of ['compact', 'single'] as const) {
      const s = exampleSite(tier);
      const steps = stepsOf(s, renderSite(s));
      for (const id of [CLUSTER_APPS_STEPS.devops, CLUSTER_APPS_STEPS.production]) {
        const step = steps.find((x) => x.id === id)!;
        expect(step.title, `${tier} ${id}`).toContain('its exporters');
        expect(step.title).not.toContain('the apps');
        expect((step.secrets ?? []).filter((x) => x !== 'talos-secrets')).toEqual([]);
      }
    }
  });
});

/** The Secrets the manifests reference: `<namespace>/<name>` → its keys (`*` for a TLS Secret's pair). */
function referenced(tree: FileTree, cluster: AppCluster): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (ns: string, name: string, key: string) => {
    const k = `${ns}/${name}`;
    out.set(k, (out.get(k) ?? new Set()).add(key));
  };
  for (const [p, f] of tree.entries()) {
    if (!p.startsWith(`k8s/${cluster}/apps/`) || p.endsWith('kustomization.yaml')) continue;
    for (const d of parseAllDocuments(f.content).map((x) => x.toJS())) {
      const ns = d.metadata.namespace;
      if (d.kind === 'Ingress')
        for (const t of d.spec.tls ?? []) {
          add(ns, t.secretName, 'tls.crt');
          add(ns, t.secretName, 'tls.key');
        }
      for (const c of d.spec?.template?.spec?.containers ?? [])
        for (const e of c.env ?? [])
          if (e.valueFrom?.secretKeyRef) add(ns, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
    }
  }
  return out;
}

describe('the Secrets script, run with openssl', () => {
  // every pinned app on the DevOps cluster: immich's database password, forgejo's, ... and a TLS Secret each
  const site = withApps(PINNED.map((a) => `${a}@devops`));
  const tree = renderSite(site);
  const script = appSecretsScriptPath('devops');

  it('prints exactly the Secrets and keys the manifests reference, valid for the API; certificates chain to the CA', async (ctx) => {
    requireTool(ctx, 'openssl', 'apt-get install openssl');
    const dir = mkdtempSync(join(tmpdir(), 'beelab-app-secrets-'));
    dirs.push(dir);
    for (const [p, f] of tree.entries()) {
      if (!p.startsWith('k8s/')) continue;
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), f.content, { mode: f.mode });
    }
    // the secrets as beelab apply hands them over: the CA from the secret tool itself, the app secrets random
    const step = stepsOf(site, tree).find((s) => s.id === CLUSTER_APPS_STEPS.devops) as Step;
    const env: Record<string, string> = {};
    const values = new Map<string, string>();
    mkdirSync(join(dir, 'handed'), { mode: 0o700 });
    for (const name of step.secrets!) {
      const def = siteSecrets(site).find((d) => d.name === name)!;
      expect(def, name).toBeDefined();
      const value = await produceSecret(def.kind);
      expect(typeof value, name).toBe('string');
      writeFileSync(join(dir, 'handed', name), `${value as string}\n`, { mode: 0o600 });
      env[secretEnvName(name)] = join(dir, 'handed', name);
      values.set(name, (value as string).trim());
    }
    expect(step.secrets!.length).toBeGreaterThan(2); // the CA and at least two apps' own
    const yaml = execFileSync('bash', [join(dir, script)], {
      env: { PATH: process.env.PATH, ...env },
    }).toString();
    const docs = parseAllDocuments(yaml).map((d) => d.toJS());
    for (const d of docs) expect(secretSchema(d), JSON.stringify(secretSchema.errors)).toBe(true);

    const printed = new Map(docs.map((d) => [`${d.metadata.namespace}/${d.metadata.name}`, d]));
    const want = referenced(tree, 'devops');
    expect(want.size).toBeGreaterThan(PINNED.length); // a TLS Secret per app, and some apps' own Secrets
    expect([...printed.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, keys] of want)
      expect(Object.keys(printed.get(k)!.data).sort(), k).toEqual([...keys].sort());

    const root = join(dir, CLUSTER_APPS_ROOT);
    expect(readFileSync(root, 'utf8')).toBe(
      execFileSync('openssl', ['x509', '-in', env[secretEnvName(CLUSTER_APPS_CA)]!]).toString(),
    );
    const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
    for (const d of docs) {
      if (d.type === 'Opaque') {
        // each key holds its secret's value, without the trailing newline
        for (const [key, v] of Object.entries(d.data as Record<string, string>)) {
          const name = `${d.metadata.namespace}-${key.toLowerCase().replace(/_/g, '-')}`;
          expect(b64(v), key).toBe(values.get(name));
        }
        continue;
      }
      expect(d.type).toBe('kubernetes.io/tls');
      const app = d.metadata.namespace as string;
      const fqdn = site.services.find((s) => s.name === app)!.fqdn!;
      const chain = join(dir, `${app}.crt`);
      const key = join(dir, `${app}.key`);
      writeFileSync(chain, b64(d.data['tls.crt']));
      writeFileSync(key, b64(d.data['tls.key']));
      execFileSync('openssl', [
        'verify',
        '-CAfile',
        root,
        '-purpose',
        'sslserver',
        '-verify_hostname',
        fqdn,
        chain,
      ]);
      const pub = (args: string[]) => execFileSync('openssl', args).toString();
      expect(pub(['x509', '-in', chain, '-noout', '-pubkey'])).toBe(pub(['pkey', '-in', key, '-pubout']));
    }
  });

  it('passes shellcheck', async (ctx) => {
    requireTool(ctx, 'shellcheck', 'apt-get install shellcheck');
    const dir = mkdtempSync(join(tmpdir(), 'beelab-app-secrets-sc-'));
    dirs.push(dir);
    mkdirSync(dirname(join(dir, script)), { recursive: true });
    writeFileSync(join(dir, script), tree.get(script)!.content, { mode: 0o755 });
    const report = await checkDir(dir, { validators: [shellcheck] });
    expect(report.results[0]!.diagnostics).toEqual([]);
    expect(report.results[0]!.files).toBe(1);
  });
});
