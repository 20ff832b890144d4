// The Talos patches: every document valid against Talos 1.13's schema for its kind, on every tier; a planted
// error caught at its file and line; what the patches say (VIP, NIC by MAC, disk, subnets); the script; steps.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { checkWith, removeSites } from '../../../../test/support/check-site.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { requireTool } from '../../../../test/support/tools.ts';
import { graphProblems } from '../../../apply/graph.ts';
import { checkDir } from '../../../check/check-dir.ts';
import { shellcheck } from '../../../check/validators/shellcheck.ts';
import { overlaps, parseCidr } from '../../../net/ipam.ts';
import { renderSite } from '../../../project/render-site.ts';
import { layers } from '../../index.ts';
import { CLUSTER_APPS_STEPS } from '../kube/steps.ts';
import { kubeModelsValidator } from '../kube/validate.ts';
import { PROXMOX_SCSI0_BY_ID, talosNodes } from './config.ts';
import { talosRules } from './rules.ts';
import { TALOS_SCHEMA_URL, talosSchemaRules, talosValidator } from './schema.ts';
import {
  TALOS_CLUSTER_PATCH,
  TALOS_SCHEMATIC,
  TALOS_SCRIPT,
  TALOS_STORAGE_MANIFESTS,
  talosNodePatchPath,
} from './script.ts';
import { TALOS_STEPS } from './steps.ts';
import { LOCAL_PATH_DIR } from './storage.ts';

// The pinned upstream schema (test/reference/PROVENANCE.md), not the copy the product ships.
const REFERENCE = new URL('../../../../test/reference/talos/config.schema.v1.13.9.json', import.meta.url);
const schema = JSON.parse(readFileSync(REFERENCE, 'utf8')) as object;
const validator = talosValidator(schema);

const dirs: string[] = [];
afterAll(() => {
  removeSites();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tiers = ['reference', 'compact', 'single'] as const;

function talosFiles(name: (typeof tiers)[number]): Record<string, string> {
  return Object.fromEntries(
    renderSite(exampleSite(name))
      .entries()
      .filter(([p]) => p.startsWith('talos/') || p.startsWith('k8s/production/'))
      .map(([p, f]) => [p, f.content]),
  );
}

describe.each(tiers)('%s', (name) => {
  const site = exampleSite(name);
  const files = talosFiles(name);
  const nodes = talosNodes(site);

  it('renders the cluster patch and one patch per node, every document valid for its kind', async () => {
    expect(nodes.length).toBeGreaterThan(0);
    const yamls = Object.keys(files).filter(
      (p) => p.startsWith('talos/') && p.endsWith('.yaml') && p !== TALOS_SCHEMATIC,
    );
    expect(yamls.sort()).toEqual(
      [TALOS_CLUSTER_PATCH, ...nodes.map((h) => talosNodePatchPath(h.name))].sort(),
    );
    const r = await checkWith(validator, files);
    expect(r.diagnostics).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.files).toBe(yamls.length);
    // Each document is judged by its own kind's rule, never only by the catch-all.
    const rules = talosSchemaRules(schema);
    for (const p of yamls) {
      for (const doc of parseAllDocuments(files[p]!)) {
        const value = doc.toJS();
        const picked = rules.filter((rule) => rule.select?.(value));
        expect(picked.map((rule) => rule.name)).toHaveLength(1);
        expect(picked[0]!.name).not.toMatch(/unknown kind/);
      }
    }
  });

  it('says what the Site says: VIP on the control planes, NIC by MAC, disk by id, installer, subnets', () => {
    const vip = site.vips.find((v) => v.name === 'talos-api')!;
    const cluster = parseAllDocuments(files[TALOS_CLUSTER_PATCH]!)[0]!.toJS();
    expect(cluster.cluster.controlPlane.endpoint).toBe(`https://${vip.address}:6443`);
    expect(cluster.machine.install.image).toBe(
      `factory.talos.dev/nocloud-installer/${site.versions.talosSchematic}:${site.production.version}`,
    );
    const supernet = parseCidr(site.supernet)!;
    for (const s of [...cluster.cluster.network.podSubnets, ...cluster.cluster.network.serviceSubnets])
      expect(overlaps(parseCidr(s)!, supernet)).toBe(false);
    for (const h of nodes) {
      const docs = parseAllDocuments(files[talosNodePatchPath(h.name)]!).map((d) => d.toJS());
      const kind = (k: string) => docs.filter((d) => d.kind === k);
      expect(docs[0].machine.install.disk).toBe(PROXMOX_SCSI0_BY_ID);
      expect(kind('HostnameConfig')[0].hostname).toBe(h.name);
      expect(kind('LinkAliasConfig')[0].selector.match).toContain(h.mac!.toLowerCase());
      expect(kind('LinkConfig')[0].addresses[0].address).toMatch(new RegExp(`^${h.address}/\\d+$`));
      const vips = kind('Layer2VIPConfig').map((d) => d.name);
      expect(vips).toEqual(site.production.controlPlanes.includes(h.name) ? [vip.address] : []);
    }
  });

  it('a default StorageClass: local-path-provisioner valid for the API, its directory mounted into the kubelet', async () => {
    const storage = { [TALOS_STORAGE_MANIFESTS]: files[TALOS_STORAGE_MANIFESTS]! };
    const r = await checkWith(kubeModelsValidator, storage);
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toBe(1);
    const docs = parseAllDocuments(storage[TALOS_STORAGE_MANIFESTS]).map((d) => d.toJS());
    const kind = (k: string) => docs.filter((d) => d.kind === k);
    const [sc] = kind('StorageClass');
    expect(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class']).toBe('true');
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
    // the provisioner's path is the one the kubelet sees, under /var (Talos's root is read-only)
    const config = JSON.parse(kind('ConfigMap')[0].data['config.json']);
    expect(config.nodePathMap[0].paths).toEqual([LOCAL_PATH_DIR]);
    expect(LOCAL_PATH_DIR.startsWith('/var/')).toBe(true);
    const cluster = parseAllDocuments(files[TALOS_CLUSTER_PATCH]!)[0]!.toJS();
    expect(cluster.machine.kubelet.extraMounts).toEqual([
      {
        destination: LOCAL_PATH_DIR,
        type: 'bind',
        source: LOCAL_PATH_DIR,
        options: ['bind', 'rshared', 'rw'],
      },
    ]);
    // its helper pods mount the host path: the namespace is exempt from Talos's baseline pod security
    expect(kind('Namespace')[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    // the images at the versions catalog's tags
    const image = kind('Deployment')[0].spec.template.spec.containers[0].image;
    expect(image).toBe(`docker.io/rancher/local-path-provisioner:${site.versions.localPathProvisioner}`);
    expect(parse(kind('ConfigMap')[0].data['helperPod.yaml']).spec.containers[0].image).toBe(
      `docker.io/library/busybox:${site.versions.busybox}`,
    );
    // the service account the Deployment runs as is the one both bindings name
    const sa = kind('ServiceAccount')[0].metadata.name;
    expect(kind('Deployment')[0].spec.template.spec.serviceAccountName).toBe(sa);
    for (const b of [...kind('RoleBinding'), ...kind('ClusterRoleBinding')])
      expect(b.subjects[0].name).toBe(sa);
  });

  it('the talosctl script passes shellcheck', async (ctx) => {
    requireTool(ctx, 'shellcheck', 'apt-get install shellcheck');
    const dir = mkdtempSync(join(tmpdir(), 'beelab-talos-'));
    dirs.push(dir);
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), c, { mode: 0o755 });
    }
    const report = await checkDir(dir, { validators: [shellcheck] });
    expect(report.results[0]!.diagnostics).toEqual([]);
    // talos.sh, and k8s/production/app-secrets.sh when apps run on the cluster
    expect(report.results[0]!.files).toBe(Object.keys(files).filter((p) => p.endsWith('.sh')).length);
  });

  it('steps: every node applied, then bootstrap once, kubeconfig, Cilium, health; a valid graph', () => {
    const tree = renderSite(site);
    const steps = layers.flatMap((l) => l.steps?.(site, tree) ?? []);
    expect(graphProblems(steps, new Set(site.hosts.map((h) => h.name)))).toEqual([]);
    // the cluster apps' step (talos/apps) is kube/deploy.test.ts's
    const talos = steps.filter((s) => s.id.startsWith('talos/') && s.id !== CLUSTER_APPS_STEPS.production);
    const byId = new Map(talos.map((s) => [s.id, s]));
    expect(talos.map((s) => s.id)).toEqual([
      ...nodes.map((h) => TALOS_STEPS.apply(h.name)),
      TALOS_STEPS.bootstrap,
      TALOS_STEPS.kubeconfig,
      TALOS_STEPS.cilium,
      TALOS_STEPS.health,
      TALOS_STEPS.storage,
    ]);
    expect(byId.get(TALOS_STEPS.bootstrap)!.after).toEqual(
      site.production.controlPlanes.map((n) => TALOS_STEPS.apply(n)),
    );
    for (const s of talos) {
      expect(s.secrets).toEqual(['talos-secrets']);
      for (const input of s.inputs) expect(tree.has(input), input).toBe(true);
    }
    expect(byId.get(TALOS_STEPS.apply(nodes[0]!.name))!.after).toEqual(['physical/pve-vms']);
    const storage = byId.get(TALOS_STEPS.storage)!;
    expect(storage.after).toEqual([TALOS_STEPS.health]);
    expect(storage.run).toEqual({ kind: 'shell', script: `${TALOS_SCRIPT} storage` });
    expect((storage.verify as { script: string }).script).toMatch(
      /^kubectl --context admin@\S+ -n local-path-storage rollout status deployment\/local-path-provisioner --timeout=5m$/,
    );
    expect(files[TALOS_SCRIPT]).toContain(
      `kubectl --kubeconfig "$work/kubeconfig" apply -f ${TALOS_STORAGE_MANIFESTS}`,
    );
  });
});

describe('the validator catches a planted error at its file and line', () => {
  const files = talosFiles('single');
  const node = talosNodePatchPath(talosNodes(exampleSite('single'))[0]!.name);

  it('a misspelt key of a LinkConfig, a bad type in the v1alpha1 patch and an unknown kind', async () => {
    const text = files[node]!.replace(/^addresses:/m, 'adresses:').replace(
      `disk: ${PROXMOX_SCSI0_BY_ID}`,
      'disk: [sda]',
    );
    const planted = `${text}---\napiVersion: v1alpha1\nkind: LinkConfg\nname: net0\n`;
    const line = (needle: string) => planted.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const r = await checkWith(validator, { [node]: planted });
    expect(r.status).toBe('failed');
    const got = r.diagnostics.map((d) => `${d.location?.file}:${d.location?.line} ${d.message}`);
    expect(got).toContainEqual(
      expect.stringMatching(new RegExp(`^${node}:${line('disk: [sda]')} .*disk must be string.*v1alpha1`)),
    );
    expect(got).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${node}:${line('adresses:')} .*unknown property "adresses".*Talos LinkConfig`),
      ),
    );
    expect(got).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${node}:${line('kind: LinkConfg')} kind must be equal to one of the allowed values: .*"LinkConfig".*unknown kind`,
        ),
      ),
    );
  });
});

describe('the Image Factory schematic', () => {
  const site = exampleSite('single');
  const tree = renderSite(site);

  it('talos/schematic.yaml hashes to the schematic id of the versions catalog; the script is executable', () => {
    const yaml = tree.get(TALOS_SCHEMATIC)!.content;
    expect(yaml).toContain('siderolabs/qemu-guest-agent');
    expect(createHash('sha256').update(yaml).digest('hex')).toBe(site.versions.talosSchematic);
    expect(talosRules(site)).toEqual([]);
    expect(tree.get(TALOS_SCRIPT)!.mode).toBe(0o755);
  });

  it('another id in versions.yaml is a warning that names the right one', () => {
    const other = { ...site, versions: { ...site.versions, talosSchematic: 'a'.repeat(64) } };
    const [d] = talosRules(other);
    expect(d).toMatchObject({ severity: 'warning', location: { file: 'versions.yaml' } });
    expect(d!.hint).toContain(site.versions.talosSchematic);
  });
});

it('the schema beelab check ships is the pinned upstream one, byte for byte', () => {
  expect(readFileSync(TALOS_SCHEMA_URL, 'utf8')).toBe(readFileSync(REFERENCE, 'utf8'));
});
