import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../test/support/check-site.ts';
import { jsonSchemaValidator } from './json-schema.ts';

afterAll(removeSites);

// Pinned upstream schemas (test data only, see test/reference/PROVENANCE.md).
const REFERENCE = join(import.meta.dirname, '../../../test/reference');
const load = (p: string) => JSON.parse(readFileSync(join(REFERENCE, p), 'utf8')) as object;

describe('jsonSchemaValidator', () => {
  const compose = jsonSchemaValidator({
    id: 'schema-compose',
    title: 'Compose files (compose-spec)',
    rules: [{ files: '**/docker-compose.yml', schema: load('compose/compose-spec.json') }],
  });

  it('passes a file that matches its schema and ignores files its globs do not match', async () => {
    const r = await checkWith(compose, {
      'apps/web/docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n',
      'apps/web/notes.yml': 'anything: goes\n',
    });
    expect(r.status).toBe('passed');
    expect(r.files).toBe(1);
  });

  it('locates an unknown property and a wrong type at their keys (draft-07, odd $schema URI)', async () => {
    const r = await checkWith(compose, {
      'apps/web/docker-compose.yml':
        'services:\n  web:\n    image: nginx:1.27\n    bogus: 1\n    ports: 8080\n',
    });
    expect(r.status).toBe('failed');
    expect(r.diagnostics.map((d) => [d.location?.line, d.location?.col, d.message])).toEqual([
      [4, 5, 'services.web: unknown property "bogus"; schema: Compose Specification'],
      [5, 5, 'services.web.ports must be array; schema: Compose Specification'],
    ]);
  });

  const talos = jsonSchemaValidator({
    id: 'schema-talos',
    title: 'Talos machine config',
    rules: [
      { files: 'talos/**/*.yaml', schema: load('talos/config.schema.v1.13.9.json'), name: 'Talos 1.13' },
    ],
  });

  it('validates every document of a multi-document file against a 2020-12 schema with a root oneOf', async () => {
    const good =
      'apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp1\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n';
    expect((await checkWith(talos, { 'talos/cp1.yaml': good })).status).toBe('passed');

    const bad = good.replace('auto: stable', 'auto: sometimes');
    const r = await checkWith(talos, { 'talos/cp1.yaml': bad });
    expect(r.status).toBe('failed');
    // Only the deepest, actionable error survives out of the oneOf over every Talos document kind.
    expect(r.diagnostics.map((d) => [d.location?.line, d.message])).toEqual([
      [
        7,
        'auto must be equal to one of the allowed values: "stable", "off" (document 2); schema: Talos 1.13',
      ],
    ]);
  });

  it('checks only the documents a rule selects, so one glob can carry several schemas', async () => {
    const k8s = jsonSchemaValidator({
      id: 'schema-k8s',
      title: 'Kubernetes CRDs',
      rules: [
        {
          files: 'k8s/**/*.yaml',
          schema: load('k8s-crds/metallb.io/ipaddresspool_v1beta1.json'),
          name: 'MetalLB IPAddressPool',
          select: (d) => (d as { kind?: string } | null)?.kind === 'IPAddressPool',
        },
        {
          files: 'k8s/**/*.yaml',
          schema: load('k8s-crds/metallb.io/l2advertisement_v1beta1.json'),
          name: 'MetalLB L2Advertisement',
          select: (d) => (d as { kind?: string } | null)?.kind === 'L2Advertisement',
        },
      ],
    });
    const manifest = [
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: metallb-system\n',
      'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: lan\nspec:\n  addresses: 10.0.20.240-10.0.20.250\n',
      'apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: lan\nspec:\n  ipAddressPools: [lan]\n',
    ].join('---\n');
    const r = await checkWith(k8s, { 'k8s/metallb/pool.yaml': manifest });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual(['k8s/metallb/pool.yaml:11:3 error schema-k8s']);
    expect(r.diagnostics[0]!.message).toBe(
      'spec.addresses must be array (document 2); schema: MetalLB IPAddressPool',
    );
  });

  it('reports YAML that does not parse at its line', async () => {
    const r = await checkWith(talos, { 'talos/x.yaml': 'kind: HostnameConfig\nhostname: [a\n' });
    expect(r.status).toBe('failed');
    expect(r.diagnostics[0]!.message).toMatch(/^not valid YAML: /);
    expect(r.diagnostics[0]!.location?.file).toBe('talos/x.yaml');
    expect(r.diagnostics[0]!.location?.line).toBeGreaterThanOrEqual(2);
  });

  it('needs no external tool, so it is never skipped', () => {
    expect(talos.tool).toBeUndefined();
  });
});
