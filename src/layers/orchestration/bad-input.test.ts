// Bad input for the orchestration layer, all at once and located: two apps on one subdomain, an unknown app (with a
// did-you-mean), an app on a cluster without nodes, cluster subnets overlapping the supernet or each other, apps on
// a DevOps VLAN too small for MetalLB's pool, and an image without a digest in a hand-edited versions.yaml.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_VERSIONS } from '../../catalog/versions.ts';
import { UserError } from '../../errors.ts';
import { loadProject } from '../../project/load.ts';
import { parseSiteSpec } from '../../project/spec.ts';
import { serializeVersions } from '../../project/versions-file.ts';

const SINGLE = readFileSync(new URL('../../../examples/single/beelab.yaml', import.meta.url), 'utf8');

function edit(text: string, edits: [string, string][]): string {
  let out = text;
  for (const [from, to] of edits) {
    if (!out.includes(from)) throw new Error(`the single example has no ${JSON.stringify(from)}`);
    out = out.replace(from, to);
  }
  return out;
}

/** `line:col` of the first occurrence of `what` (col of its first character), 1-based. */
function at(text: string, what: string, offset = 0): string {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(what));
  return `${line + 1}:${lines[line]!.indexOf(what) + 1 + offset}`;
}

const BAD = edit(SINGLE, [
  [
    '      purpose: servers\n',
    '      purpose: servers\n    - name: devops\n      id: 30\n      purpose: devops\n      cidr: 10.20.30.0/27\n',
  ],
  [
    '  controlPlanes: 1\n',
    '  controlPlanes: 0\n  podSubnet: 172.30.0.0/16\n  serviceSubnet: 172.30.128.0/17\n',
  ],
  ['  agents: 0\n', '  agents: 0\n  podSubnet: 10.20.128.0/17\n'],
  [
    '  - vaultwarden\n',
    '  - vaultwarden\n  - imich\n  - { name: jellyfin, subdomain: photos }\n  - { name: uptime-kuma, on: production }\n  - { name: forgejo, on: devops }\n',
  ],
]);

describe('bad input in beelab.yaml: every error at once, each at its place', () => {
  const found = parseSiteSpec(BAD)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.location?.line}:${d.location?.col} ${d.code}`);

  it.each([
    ['an unknown app, with a did-you-mean', at(BAD, 'imich', 0), 'app/unknown'],
    ['two apps on one subdomain', at(BAD, 'photos'), 'app/subdomain-taken'],
    ['an app on a cluster with no nodes', at(BAD, 'production }'), 'app/no-cluster'],
    ['a pod subnet overlapping the supernet', at(BAD, '10.20.128.0/17'), 'cluster/subnet-overlap'],
    ['a service subnet overlapping the pod subnet', at(BAD, '172.30.128.0/17'), 'cluster/subnet-overlap'],
    [
      'apps on a DevOps VLAN too small for a load-balancer pool',
      at(BAD, 'forgejo, on: devops', 13),
      'cluster/lb-pool',
    ],
  ])('%s', (_, where, code) => {
    expect(found, found.join(', ')).toContain(`${where} ${code}`);
  });

  it('says what is wrong and how to fix it', () => {
    const all = parseSiteSpec(BAD).diagnostics;
    const by = (code: string) => all.filter((d) => d.code === code);
    expect(by('app/unknown')[0]!.hint).toContain('did you mean `immich`?');
    const overlap = by('cluster/subnet-overlap');
    expect(overlap.map((d) => d.message)).toEqual([
      expect.stringContaining(
        'production.serviceSubnet 172.30.128.0/17 overlaps production.podSubnet 172.30.0.0/16',
      ),
      expect.stringContaining('devops.podSubnet 10.20.128.0/17 overlaps the supernet 10.20.0.0/16'),
    ]);
    expect(overlap[1]!.hint).toBe('set devops.podSubnet to a range outside 10.20.0.0/16, e.g. 10.244.0.0/16');
    expect(by('cluster/lb-pool')[0]!.message).toBe(
      "forgejo on the DevOps cluster needs a load-balancer address (MetalLB's pool, for the ingress VIP), but VLAN devops 10.20.30.0/27 (32 addresses) is too small to keep a pool",
    );
  });

  it("a default subnet is judged too: a supernet over Talos's default pod subnet", () => {
    const text = edit(SINGLE, [['  supernet: 10.20.0.0/16\n', '  supernet: 10.0.0.0/8\n']]);
    const d = parseSiteSpec(text).diagnostics.filter((x) => x.code === 'cluster/subnet-overlap');
    expect(d.map((x) => x.message.split(':')[0])).toEqual([
      "production.podSubnet 10.244.0.0/16 (Talos's default) overlaps the supernet 10.0.0.0/8",
      "production.serviceSubnet 10.96.0.0/12 (Talos's default) overlaps the supernet 10.0.0.0/8",
      "devops.podSubnet 10.42.0.0/16 (k3s's default) overlaps the supernet 10.0.0.0/8",
      "devops.serviceSubnet 10.43.0.0/16 (k3s's default) overlaps the supernet 10.0.0.0/8",
    ]);
    // Where the user did not write the subnet, the error is at the cluster's block, and the fix names a free range.
    expect(`${d[0]!.location?.line}:${d[0]!.location?.col}`).toBe(at(text, 'controlPlanes: 1'));
    expect(d[0]!.hint).toBe('set production.podSubnet to a range outside 10.0.0.0/8, e.g. 172.30.0.0/16');
  });

  it('the examples have none of these', () => {
    for (const name of ['reference', 'compact', 'single']) {
      const text = readFileSync(new URL(`../../../examples/${name}/beelab.yaml`, import.meta.url), 'utf8');
      expect(
        parseSiteSpec(text).diagnostics.filter(
          (d) => /^(cluster|app)\//.test(d.code) && d.severity === 'error',
        ),
      ).toEqual([]);
    }
  });
});

describe('a hand-edited versions.yaml with an image without a digest', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('is reported at its line with the spec errors, in one message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beelab-bad-input-'));
    dirs.push(dir);
    const pinned = BUILTIN_VERSIONS.images.vaultwarden!;
    const versions = serializeVersions(BUILTIN_VERSIONS).replace(pinned, pinned.split('@')[0]!);
    writeFileSync(join(dir, 'versions.yaml'), versions);
    writeFileSync(join(dir, 'beelab.yaml'), BAD);
    const err = await loadProject(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.message).toMatch(/^beelab\.yaml and versions\.yaml have \d+ errors$/);
    const lines = e.details.join('\n');
    expect(lines).toContain(
      `images.vaultwarden: docker.io/vaultwarden/server:1.34.3 is not pinned as repository:tag@sha256:<digest>; at versions.yaml:${at(versions, 'docker.io/vaultwarden/server:1.34.3')}`,
    );
    expect(lines).toContain(`at beelab.yaml:${at(BAD, '10.20.128.0/17')}`);
    expect(lines).toContain('[app/unknown]');
  });
});
