// The cluster apps: every app the spec places on a cluster renders as plain objects under k8s/<cluster>/apps/<app>/
// with its kustomization; the objects pass the Kubernetes API schema (kubernetes-models), the custom resources their
// CRDs, the kustomizations SchemaStore's schema with every resource present; images are the versions catalog's
// digests; a planted error is found at its line; the ingress VIP reaches Cilium's ingress on both clusters.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { checkWith, removeSites, where } from '../../../../test/support/check-site.ts';
import { PINNED, withApps } from '../../../../test/support/cluster-apps.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { APP_CATALOG } from '../../../catalog/apps.ts';
import { BUILTIN_VERSIONS, parseImageRef } from '../../../catalog/versions.ts';
import { renderSite } from '../../../project/render-site.ts';
import type { Site } from '../../../site/types.ts';
import { K3S_MANIFESTS } from '../k3s/manifests.ts';
import { TALOS_CILIUM_VALUES, TALOS_LB_MANIFESTS } from '../talos/script.ts';
import { clusterApps } from './apps.ts';
import { clusterAppsPart } from './index.ts';
import { KUSTOMIZATION_SCHEMA_URL, kustomizationValidator } from './kustomization.ts';
import { renderClusterApps } from './render.ts';
import { crdValidator, kubeModelsValidator } from './validate.ts';

afterAll(removeSites);

const REFERENCE = new URL('../../../../test/reference/', import.meta.url);
const crds = crdValidator(new URL('k8s-crds/', REFERENCE));
const kustomizations = kustomizationValidator(new URL('kustomize/kustomization.json', REFERENCE));

const filesOf = (site: Site, prefix = 'k8s/') =>
  Object.fromEntries(
    renderSite(site)
      .entries()
      .filter(([p]) => p.startsWith(prefix))
      .map(([p, e]) => [p, e.content]),
  );

const lineOf = (text: string, what: string) => text.split('\n').findIndex((l) => l.includes(what)) + 1;

describe('cluster apps of the examples', () => {
  it('reference: uptime-kuma on production and jellyfin on devops, each a folder with its kustomization; the others have none', () => {
    const site = exampleSite('reference');
    expect(clusterApps(site).map((a) => `${a.app.name}@${a.cluster}`)).toEqual([
      'jellyfin@devops',
      'uptime-kuma@production',
    ]);
    const paths = renderClusterApps(site)
      .entries()
      .map(([p]) => p);
    expect(paths.filter((p) => p.endsWith('kustomization.yaml')).sort()).toEqual([
      'k8s/devops/apps/jellyfin/kustomization.yaml',
      'k8s/devops/apps/kustomization.yaml',
      'k8s/production/apps/kustomization.yaml',
      'k8s/production/apps/uptime-kuma/kustomization.yaml',
    ]);
    for (const tier of ['compact', 'single'] as const)
      expect(renderClusterApps(exampleSite(tier)).entries()).toEqual([]);
  });

  it('reference: every k8s/ file passes kubernetes-models, the CRD schemas and the kustomization check', async () => {
    const files = filesOf(exampleSite('reference'));
    const models = await checkWith(kubeModelsValidator, files);
    expect(where(models)).toEqual([]);
    // 4 per app, uptime-kuma's metrics Service, the LB-IPAM pools, Talos's local-path-provisioner, the exporters
    // (3 on Talos, 2 on k3s)
    expect(models.files).toBe(16);
    const crd = await checkWith(crds, files);
    expect(where(crd)).toEqual([]);
    expect(crd.status).toBe('passed');
    const k = await checkWith(kustomizations, files);
    expect(where(k)).toEqual([]);
    expect(k.status).toBe('passed');
    expect(k.files).toBe(6); // the apps' 4 and each cluster's monitoring/
  });
});

describe('every pinned app on each cluster', () => {
  const site = withApps([...PINNED.map((a) => `${a}@devops`)]);
  const prod = withApps([...PINNED.map((a) => `${a}@production`)]);

  it('passes kubernetes-models and the kustomization check on both clusters', async () => {
    for (const s of [site, prod]) {
      const files = filesOf(s, 'k8s/');
      const models = await checkWith(kubeModelsValidator, files);
      expect(where(models)).toEqual([]);
      const k = await checkWith(kustomizations, files);
      expect(where(k)).toEqual([]);
      expect(k.files).toBe(PINNED.length + 1 + 2); // the apps', theirs, each cluster's monitoring/
    }
  });

  it('images are the versions catalog entries, pinned by digest; secrets come from the app Secret, never inline', () => {
    for (const [path, text] of Object.entries(filesOf(site, 'k8s/devops/apps/'))) {
      for (const doc of parseAllDocuments(text).map((d) => d.toJS())) {
        if (doc.kind !== 'Deployment' && doc.kind !== 'StatefulSet') continue;
        const app = path.split('/')[3]!;
        const catalog = APP_CATALOG.find((a) => a.name === app)!;
        const c = doc.spec.template.spec.containers[0];
        const key = catalog.containers.find((x) => x.service === c.name)!.image;
        expect(c.image, path).toBe(BUILTIN_VERSIONS.images[key]);
        expect(parseImageRef(c.image), path).toBeDefined();
        for (const e of c.env ?? []) {
          if (e.valueFrom) expect(e.valueFrom.secretKeyRef.name, path).toBe(`${app}-secrets`);
          else expect(e.value, path).not.toMatch(/\{secret|\$\{/);
        }
      }
    }
  });

  it('the companions answer on their Compose names: a headless Service per container without ports', () => {
    const immich = filesOf(site, 'k8s/devops/apps/immich/');
    const db = parseAllDocuments(immich['k8s/devops/apps/immich/database.yaml']!).map((d) => d.toJS());
    expect(db.map((d) => d.kind)).toEqual(['StatefulSet', 'Service']);
    expect(db[1].metadata.name).toBe('database');
    expect(db[1].spec.clusterIP).toBe('None');
    const server = parseAllDocuments(immich['k8s/devops/apps/immich/server.yaml']!).map((d) => d.toJS());
    const env = Object.fromEntries(
      server[0].spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [
        e.name,
        e.value,
      ]),
    );
    expect(env.DB_HOSTNAME).toBe('database');
    expect(env.REDIS_HOSTNAME).toBe('cache');
  });
});

describe('the ingress VIP', () => {
  it('reaches Cilium on both clusters: MetalLB pool on k3s, LB-IPAM pool on Talos, shared with the L4 Service', () => {
    const site = exampleSite('reference');
    const files = filesOf(site, '');
    const forgejo = filesOf(withApps(['forgejo@devops']), 'k8s/devops/apps/forgejo/');
    const k3sVip = site.vips.find((v) => v.name === 'k3s-ingress')!;
    const talosVip = site.vips.find((v) => v.name === 'talos-ingress')!;
    const cilium = parse(
      (parse(files[K3S_MANIFESTS.cilium]!) as { spec: { valuesContent: string } }).spec.valuesContent,
    );
    expect(cilium.ingressController.service.annotations['metallb.io/loadBalancerIPs']).toBe(k3sVip.address);
    const pools = parseAllDocuments(files[K3S_MANIFESTS.metallbPool]!).map((d) => d.toJS());
    expect(pools.find((p) => p.metadata.name === 'k3s-ingress').spec).toEqual({
      addresses: [`${k3sVip.address}/32`],
      autoAssign: false,
    });
    const lb = parseAllDocuments(forgejo['k8s/devops/apps/forgejo/load-balancer.yaml']!).map((d) => d.toJS());
    expect(lb[0].metadata.annotations).toEqual({
      'metallb.io/loadBalancerIPs': expect.any(String),
      'metallb.io/allow-shared-ip':
        cilium.ingressController.service.annotations['metallb.io/allow-shared-ip'],
    });
    expect(lb[0].spec.ports).toEqual([{ name: 'ssh', port: 2222, targetPort: 2222, protocol: 'TCP' }]);
    const talos = parse(files[TALOS_CILIUM_VALUES]!);
    expect(talos.ingressController.service.annotations['lbipam.cilium.io/ips']).toBe(talosVip.address);
    const ipam = parseAllDocuments(files[TALOS_LB_MANIFESTS]!).map((d) => d.toJS());
    expect(ipam.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'CiliumLoadBalancerIPPool/talos-lb',
      'CiliumLoadBalancerIPPool/talos-ingress',
      'CiliumL2AnnouncementPolicy/load-balancers',
    ]);
    expect(ipam[1].spec.blocks).toEqual([{ start: talosVip.address, stop: talosVip.address }]);
  });
});

describe('bad output is caught, bad input reported', () => {
  it('a planted error in a manifest is caught by kubernetes-models at its line', async () => {
    const files = filesOf(withApps(['forgejo@devops']), 'k8s/devops/apps/forgejo/');
    const path = 'k8s/devops/apps/forgejo/server.yaml';
    files[path] = files[path]!.replace('replicas: 1', 'replicas: one');
    const r = await checkWith(kubeModelsValidator, files);
    expect(where(r)).toEqual([`${path}:${lineOf(files[path]!, 'replicas: one')}:3 error k8s-models`]);
  });

  it('a planted error in a kustomization is caught at its line: an unknown key, a missing resource', async () => {
    const files = filesOf(withApps(['forgejo@devops']), 'k8s/devops/apps/');
    const path = 'k8s/devops/apps/forgejo/kustomization.yaml';
    files[path] = files[path]!.replace('  - ingress.yaml', '  - ingres.yaml').replace(
      'namespace: forgejo',
      'namespace: forgejo\ncommonLabel: {}',
    );
    const r = await checkWith(kustomizations, files);
    expect(r.status).toBe('failed');
    expect(where(r).sort()).toEqual(
      [
        `${path}:${lineOf(files[path]!, 'commonLabel')}:1 error kustomization`,
        `${path}:${lineOf(files[path]!, 'ingres.yaml')}:5 error kustomization`,
      ].sort(),
    );
  });

  it('an app on a cluster whose image is not pinned is not rendered and is reported at versions.yaml', () => {
    const site = withApps(['vaultwarden@devops', 'owncloud@devops']);
    expect(Object.keys(filesOf(site, 'k8s/devops/apps/')).filter((p) => p.includes('owncloud'))).toEqual([]);
    const d = clusterAppsPart.rules!(site);
    expect(d.map((x) => [x.code, x.location?.file])).toEqual([['compose/image-unpinned', 'versions.yaml']]);
    expect(d[0]!.message).toContain('owncloud needs the image owncloud');
  });
});

it('beelab check ships the same kustomization schema the tests judge with', () => {
  expect(readFileSync(KUSTOMIZATION_SCHEMA_URL, 'utf8')).toBe(
    readFileSync(new URL('kustomize/kustomization.json', REFERENCE), 'utf8'),
  );
});
