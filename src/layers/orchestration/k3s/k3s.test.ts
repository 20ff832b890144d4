// The DevOps cluster: the roles and playbook pass the real Ansible tools, the manifests validate against the
// Kubernetes API schema (kubernetes-models) and the pinned CRD schemas, a planted error is found at its line,
// the manifests carry the Site's VIP and pool, and the steps run servers, agents, Cilium, MetalLB in order.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { checkWith, removeSites } from '../../../../test/support/check-site.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { requireTool } from '../../../../test/support/tools.ts';
import { graphProblems } from '../../../apply/graph.ts';
import { checkDir } from '../../../check/check-dir.ts';
import { ansibleLint } from '../../../check/validators/ansible-lint.ts';
import { ansiblePlaybookSyntax } from '../../../check/validators/ansible-playbook-syntax.ts';
import { yamllint } from '../../../check/validators/yamllint.ts';
import { renderSite } from '../../../project/render-site.ts';
import { layers } from '../../index.ts';
import { CLUSTER_APPS_STEPS } from '../kube/steps.ts';
import { crdValidator, kubeModelsValidator } from '../kube/validate.ts';
import { ORCHESTRATION_PLAYBOOK } from '../playbook.ts';
import { K3S_MANIFESTS } from './manifests.ts';
import { K3S_GROUP_VARS } from './render.ts';
import { K3S_STEPS } from './steps.ts';

// The pinned upstream CRD schemas (test/reference/PROVENANCE.md), not the copies the product ships.
const CRDS = new URL('../../../../test/reference/k8s-crds/', import.meta.url);
const crds = crdValidator(CRDS);

const dirs: string[] = [];
afterAll(() => {
  removeSites();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tiers = ['reference', 'compact', 'single'] as const;

describe.each(tiers)('%s', (name) => {
  const site = exampleSite(name);
  const tree = renderSite(site);
  const manifests = Object.fromEntries(
    tree
      .entries()
      .filter(([p]) => p.startsWith('k3s/manifests/'))
      .map(([p, f]) => [p, f.content]),
  );

  it('every manifest is valid: built-in kinds by kubernetes-models, custom resources by their CRDs', async () => {
    const expected = site.devops.pool
      ? Object.values(K3S_MANIFESTS)
      : [K3S_MANIFESTS.kubeVip, K3S_MANIFESTS.cilium];
    expect(Object.keys(manifests).sort()).toEqual([...expected].sort());
    const models = await checkWith(kubeModelsValidator, manifests);
    expect(models.diagnostics).toEqual([]);
    expect(models.files).toBe(expected.length);
    const crd = await checkWith(crds, manifests);
    expect(crd.diagnostics).toEqual([]);
    expect(crd.status).toBe('passed');
  });

  it('carries the Site: the VIP in kube-vip, tls-san and Cilium; the pool in MetalLB; the subnets', () => {
    const vip = site.vips.find((v) => v.name === 'k3s-api')!;
    const vars = parse(tree.get(K3S_GROUP_VARS)!.content);
    expect(vars).toMatchObject({
      k3s_version: site.devops.version,
      k3s_api_address: vip.address,
      k3s_tls_san: [vip.address, vip.fqdn],
      k3s_cluster_cidr: site.devops.podSubnet,
      k3s_service_cidr: site.devops.serviceSubnet,
    });
    const ds = parseAllDocuments(manifests[K3S_MANIFESTS.kubeVip]!)
      .map((d) => d.toJS())
      .find((d) => d.kind === 'DaemonSet');
    const env = Object.fromEntries(
      ds.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(env).toMatchObject({ address: vip.address, vip_arp: 'true', cp_enable: 'true' });
    expect(ds.spec.template.spec.containers[0].image).toBe(
      `ghcr.io/kube-vip/kube-vip:${site.versions.kubeVip}`,
    );
    const cilium = parse(manifests[K3S_MANIFESTS.cilium]!.replace(/^---\n/m, ''));
    expect(cilium.spec.version).toBe(site.versions.cilium);
    expect(parse(cilium.spec.valuesContent)).toMatchObject({
      kubeProxyReplacement: true,
      k8sServiceHost: vip.address,
      ipam: { operator: { clusterPoolIPv4PodCIDRList: [site.devops.podSubnet] } },
    });
    const pool = site.pools.find((p) => p.name === site.devops.pool);
    if (pool) {
      const [ipPool] = parseAllDocuments(manifests[K3S_MANIFESTS.metallbPool]!).map((d) => d.toJS());
      expect(ipPool.spec.addresses).toEqual([`${pool.range[0]}-${pool.range[1]}`]);
    }
    // The server role's configuration: what the issue asks of k3s, with the VIP in the certificate.
    const config = tree.get('ansible/roles/k3s_server/templates/config.yaml.j2')!.content;
    for (const line of [
      'flannel-backend: none',
      'disable-network-policy: true',
      'disable-kube-proxy: true',
      '  - servicelb',
      '  - traefik',
      'token-file: /etc/rancher/k3s/token',
    ])
      expect(config).toContain(line);
    expect(config).toMatch(/tls-san:\n\{% for san in k3s_tls_san %\}/);
  });

  it('steps: servers, agents, Cilium, MetalLB in that order; a valid graph; the token only where needed', () => {
    const steps = layers.flatMap((l) => l.steps?.(site, tree) ?? []);
    expect(graphProblems(steps, new Set(site.hosts.map((h) => h.name)))).toEqual([]);
    // the cluster apps' step (k3s/apps) is kube/deploy.test.ts's
    const k3s = steps.filter((s) => s.id.startsWith('k3s/') && s.id !== CLUSTER_APPS_STEPS.devops);
    const ids = k3s.map((s) => s.id);
    const want = [
      K3S_STEPS.servers,
      ...(site.devops.agents.length ? [K3S_STEPS.agents] : []),
      K3S_STEPS.cilium,
      ...(site.devops.pool ? [K3S_STEPS.metallb] : []),
    ];
    expect(ids).toEqual(want);
    for (const [i, s] of k3s.entries()) {
      if (i > 0)
        expect(s.after).toEqual([
          want[i - 1] === K3S_STEPS.agents && s.id === K3S_STEPS.metallb ? K3S_STEPS.cilium : want[i - 1],
        ]);
      expect(s.run).toMatchObject({ kind: 'ansible-playbook', playbook: ORCHESTRATION_PLAYBOOK });
      for (const input of s.inputs) expect(tree.has(input), input).toBe(true);
    }
    expect(k3s.filter((s) => s.secrets?.includes('k3s-token')).map((s) => s.id)).toEqual(
      want.filter((id) => id === K3S_STEPS.servers || id === K3S_STEPS.agents),
    );
  });
});

describe('the real Ansible tools on the rendered k3s roles and playbook', () => {
  it('ansible-playbook --syntax-check, ansible-lint (production profile), yamllint: no finding', async (ctx) => {
    requireTool(ctx, 'ansible-playbook', 'apt-get install ansible');
    requireTool(ctx, 'ansible-lint', 'apt-get install ansible-lint');
    requireTool(ctx, 'yamllint', 'apt-get install yamllint');
    const dir = mkdtempSync(join(tmpdir(), 'beelab-k3s-'));
    dirs.push(dir);
    for (const [path, f] of renderSite(exampleSite('compact')).entries()) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), f.content, { mode: f.mode });
    }
    const report = await checkDir(dir, { validators: [ansiblePlaybookSyntax, ansibleLint, yamllint] });
    for (const r of report.results) {
      expect(r.status, `${r.id}: ${JSON.stringify(r.diagnostics, null, 1)}`).toBe('passed');
      expect(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message)).toEqual([]);
    }
  }, 300_000);
});

describe('a planted error in each kind of manifest is caught at its file and line', () => {
  const manifests = Object.fromEntries(
    renderSite(exampleSite('reference'))
      .entries()
      .filter(([p]) => p.startsWith('k3s/manifests/'))
      .map(([p, f]) => [p, f.content]),
  );
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('built-in kind: a string where the API wants an integer, and a kind nobody validates', async () => {
    const file = K3S_MANIFESTS.kubeVip;
    const text = `${manifests[file]!.replace('selector:\n    matchLabels:', 'minReadySeconds: soon\n  selector:\n    matchLabels:')}---\napiVersion: v1\nkind: Servce\nmetadata:\n  name: x\n`;
    const r = await checkWith(kubeModelsValidator, { [file]: text });
    expect(r.status).toBe('failed');
    expect(r.diagnostics.map((d) => `${d.location?.file}:${d.location?.line} ${d.message}`)).toEqual([
      `${file}:${lineOf(text, 'minReadySeconds')} spec.minReadySeconds must be integer (document 4); schema: Kubernetes apps/v1/DaemonSet`,
      `${file}:${lineOf(text, 'kind: Servce')} v1/Servce is no kind Beelab validates (document 5)`,
    ]);
  });

  it('custom resource: a misspelt key of an IPAddressPool and a bad HelmChart field', async () => {
    const pool = K3S_MANIFESTS.metallbPool;
    const poolText = manifests[pool]!.replace('autoAssign: true', 'autoAsign: true');
    const chart = K3S_MANIFESTS.cilium;
    const chartText = manifests[chart]!.replace('bootstrap: true', 'bootstrap: "yes please"');
    const r = await checkWith(crds, { [pool]: poolText, [chart]: chartText });
    expect(r.status).toBe('failed');
    expect(r.diagnostics.map((d) => `${d.location?.file}:${d.location?.line}`)).toEqual([
      `${chart}:${lineOf(chartText, 'bootstrap:')}`,
      `${pool}:${lineOf(poolText, 'autoAsign')}`,
    ]);
    expect(r.diagnostics[1]!.message).toContain('unknown property "autoAsign"');
  });
});
