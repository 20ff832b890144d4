// The repository's pipeline files: renovate.json and the CI workflows pass their real validators, the Renovate
// regex managers find every version of versions.yaml and requirements.yml, and the CI installs what check needs.
import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../test/support/check-site.ts';
import { JOURNAL_PATH, LOGS_DIR } from '../../apply/journal.ts';
import { BUILTIN_VERSIONS } from '../../catalog/versions.ts';
import { TOOLS } from '../../lab/run.ts';
import { projectValidators } from '../../project/check.ts';
import { serializeVersions } from '../../project/versions-file.ts';
import type { Site } from '../../site/types.ts';
import { tierDefaults } from '../../spec/tiers.ts';
import { renderContext, resolveSite } from '../index.ts';
import { LOCAL_STATE } from './gitignore.ts';
import { renderDevops } from './index.ts';
import { RENOVATE_PATH, renovateConfig } from './renovate.ts';
import { renovateValidator } from './renovate-validator.ts';
import { actionValidator } from './workflow-validator.ts';
import {
  CHECK_APT_PACKAGES,
  checkNpmPackages,
  FORGEJO_WORKFLOW_PATH,
  GITHUB_WORKFLOW_PATH,
  LAB_APT_TOOLS,
} from './workflows.ts';

afterAll(removeSites);

const IMMICH = `ghcr.io/immich-app/immich-server:v2.3.1@sha256:${'a1'.repeat(32)}`;
const POSTGRES = `ghcr.io/immich-app/postgres:14-vectorchord0.4.3@sha256:${'b2'.repeat(32)}`;

function site(): Site {
  const s = resolveSite(
    { ...tierDefaults('reference'), apps: [{ name: 'immich' }] },
    undefined,
    structuredClone(BUILTIN_VERSIONS),
  ).site;
  s.versions.images = { immich: IMMICH, 'immich-postgres': POSTGRES };
  return s;
}

const files = (s: Site) =>
  Object.fromEntries([...renderDevops(s, renderContext()).entries()].map(([p, f]) => [p, f.content]));

interface Manager {
  managerFilePatterns: string[];
  matchStrings: string[];
  matchStringsStrategy?: string;
  datasourceTemplate?: string;
}

/** What Renovate's regex manager extracts from `text`: its `any`/`recursive` strategies, as it runs them. */
function extract(manager: Manager, file: string, text: string): Record<string, string | undefined>[] {
  const matchesFile = manager.managerFilePatterns.some((p) => new RegExp(p.slice(1, -1)).test(file));
  if (!matchesFile) return [];
  const groups = (re: string, t: string) =>
    [...t.matchAll(new RegExp(re, 'g'))].map((m) => ({ text: m[0], groups: m.groups ?? {} }));
  if (manager.matchStringsStrategy === 'recursive') {
    let parts = [{ text, groups: {} as Record<string, string | undefined> }];
    for (const re of manager.matchStrings) parts = parts.flatMap((p) => groups(re, p.text));
    return parts.map((p) => ({ datasource: manager.datasourceTemplate, ...p.groups }));
  }
  return manager.matchStrings.flatMap((re) =>
    groups(re, text).map((p) => ({ datasource: manager.datasourceTemplate, ...p.groups })),
  );
}

describe('renovate.json', () => {
  const s = site();
  const config = renovateConfig(s) as {
    customManagers: Manager[];
    packageRules: {
      matchDepNames: string[];
      groupName?: string;
      automerge?: boolean;
      matchUpdateTypes?: string[];
      commitMessagePrefix?: string;
    }[];
  };
  const versionsYaml = serializeVersions(s.versions);
  const requirements = files(s)['ansible/requirements.yml']!;
  const found: Record<string, string | undefined>[] = [
    ...config.customManagers.flatMap((m) =>
      extract(m, 'versions.yaml', versionsYaml).map((d) => ({ file: 'versions.yaml', ...d })),
    ),
    ...config.customManagers.flatMap((m) =>
      extract(m, 'ansible/requirements.yml', requirements).map((d) => ({ file: 'requirements.yml', ...d })),
    ),
  ];
  const line = (d: Record<string, string | undefined>) =>
    `${d.file} ${d.datasource} ${d.depName} ${d.currentValue}${d.currentDigest ? `@${d.currentDigest.slice(0, 13)}` : ''}`;

  it('its regex managers find every tracked version of versions.yaml and requirements.yml, and nothing else', () => {
    expect(found.map(line).sort()).toEqual(
      [
        'versions.yaml github-releases siderolabs/talos v1.13.9',
        'versions.yaml github-releases kubernetes/kubernetes v1.35.4',
        'versions.yaml github-releases k3s-io/k3s v1.34.2+k3s1',
        'versions.yaml helm cilium 1.18.4',
        'versions.yaml helm metallb 0.15.2',
        'versions.yaml docker ghcr.io/kube-vip/kube-vip v1.0.1',
        'versions.yaml docker docker.io/rancher/local-path-provisioner v0.0.32',
        'versions.yaml docker docker.io/library/busybox 1.37.0',
        // With the sha256 of the download on the next line, read together (Renovate updates both).
        'versions.yaml github-release-attachments ollama/ollama v0.13.3@f2fd093b044b4',
        'versions.yaml github-release-attachments ggml-org/llama.cpp b9860@35a2e8c3528ad',
        'versions.yaml pypi mlx-lm 0.31.3@758cfddf11800',
        'versions.yaml pypi litellm 1.79.1@c1cf0232c01e7',
        'versions.yaml pypi prometheus-pve-exporter 3.10.2',
        'versions.yaml github-releases natrontech/pbs-exporter v0.9.3',
        'versions.yaml github-releases DRuggeri/nut_exporter v3.2.5',
        'versions.yaml gitea-releases forgejo/runner v13.1.0@bdece01a00354',
        'versions.yaml docker ghcr.io/immich-app/immich-server v2.3.1@sha256:a1a1a1',
        'versions.yaml docker ghcr.io/immich-app/postgres 14-vectorchord0.4.3@sha256:b2b2b2',
        'versions.yaml galaxy-collection ansible.posix 1.5.4',
        'versions.yaml galaxy-collection community.general 6.6.2',
        'requirements.yml galaxy-collection ansible.posix 1.5.4',
        'requirements.yml galaxy-collection community.general 6.6.2',
      ].sort(),
    );
    expect(found.find((d) => d.depName === 'cilium')?.registryUrl).toBe('https://helm.cilium.io');
    expect(found.find((d) => d.depName === 'forgejo/runner')?.registryUrl).toBe('https://code.forgejo.org');
  });

  it('puts every tracked dependency in exactly one layer group, and only digest updates merge themselves', () => {
    const groups = config.packageRules.filter((r) => r.groupName && !r.matchUpdateTypes);
    for (const d of found) {
      const owners = groups.filter((g) => g.matchDepNames.includes(d.depName!)).map((g) => g.groupName);
      expect(owners, d.depName).toHaveLength(1);
    }
    const scopeOf = (dep: string) => groups.find((g) => g.matchDepNames.includes(dep))?.groupName;
    expect(scopeOf('siderolabs/talos')).toBe('talos');
    expect(scopeOf('k3s-io/k3s')).toBe('k3s');
    expect(scopeOf('community.general')).toBe('ansible');
    expect(scopeOf('ghcr.io/immich-app/postgres')).toBe('compose');
    for (const g of groups) expect(g.commitMessagePrefix).toBe(`${g.groupName}:`);
    const automerged = config.packageRules.filter((r) => r.automerge);
    expect(automerged.length).toBe(groups.length);
    for (const r of automerged) expect(r.matchUpdateTypes).toEqual(['digest', 'pinDigest']);
    expect((renovateConfig(s) as { automerge: boolean }).automerge).toBe(false);
  });

  it('passes renovate-config-validator --strict', async () => {
    const r = await checkWith(renovateValidator, { [RENOVATE_PATH]: files(s)[RENOVATE_PATH]! });
    expect(r.diagnostics).toEqual([]);
    expect(r.status).toBe('passed');
  }, 30_000);

  it('reports a wrong option at its line', async () => {
    const bad = JSON.stringify({ packageRules: [{ matchDepNames: ['x'], groupName: 3 }] }, null, 2);
    const r = await checkWith(renovateValidator, { [RENOVATE_PATH]: bad });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual(['renovate.json:7:7 error renovate/config']);
    expect(r.diagnostics[0]!.message).toContain('packageRules[0].groupName');
  }, 30_000);
});

describe('CI workflows', () => {
  const f = files(site());

  it('both pass action-validator', async () => {
    const r = await checkWith(actionValidator, {
      [FORGEJO_WORKFLOW_PATH]: f[FORGEJO_WORKFLOW_PATH]!,
      [GITHUB_WORKFLOW_PATH]: f[GITHUB_WORKFLOW_PATH]!,
    });
    expect(r.files).toBe(2);
    expect(r.diagnostics).toEqual([]);
    expect(r.status).toBe('passed');
  });

  it('a misspelt key is an error at its line', async () => {
    const bad = f[GITHUB_WORKFLOW_PATH]!.replace('    steps:\n', '    stepz:\n');
    const r = await checkWith(actionValidator, { [GITHUB_WORKFLOW_PATH]: bad });
    expect(r.status).toBe('failed');
    const line = bad.split('\n').indexOf('  plan:') + 1;
    expect(where(r)).toEqual([`${GITHUB_WORKFLOW_PATH}:${line}:3 error action-validator/properties`]);
    expect(r.diagnostics.map((d) => d.message)).toContain(
      "/jobs/plan: Additional property 'stepz' is not allowed",
    );
  });

  it('run plan --exit-code, check --strict and the lab with the Beelab that rendered them', () => {
    for (const path of [FORGEJO_WORKFLOW_PATH, GITHUB_WORKFLOW_PATH]) {
      expect(f[path]).toContain('npm install --global beelab@0.1.0');
      expect(f[path]).toContain('beelab plan --exit-code .');
      expect(f[path]).toContain('beelab check --strict .');
      expect(f[path]).toContain('beelab lab test .');
      expect(f[path]).toMatch(/uses: actions\/checkout@[0-9a-f]{40} # v\d/);
    }
  });

  it('install every tool the validators of beelab check need, and what the lab needs', () => {
    for (const v of projectValidators()) {
      const hint = v.tool?.installHint ?? '';
      const apt = /^apt-get install (\S+)/.exec(hint)?.[1];
      const npm = /^npm install --global (\S+)/.exec(hint)?.[1];
      if (apt) expect(CHECK_APT_PACKAGES, v.id).toContain(apt);
      else if (npm) expect(checkNpmPackages(), v.id).toContain(npm);
      else expect(v.tool, `${v.id}: ${hint}`).toBeUndefined();
    }
    const labPackages = TOOLS.map(([, hint]) => /^apt-get install (\S+)/.exec(hint)?.[1]);
    expect([...LAB_APT_TOOLS].sort()).toEqual([...new Set(labPackages)].sort());
  });
});

describe('.gitignore', () => {
  it('keeps the apply journal and logs out, where apply writes them', () => {
    expect([...LOCAL_STATE]).toEqual([JOURNAL_PATH, `${LOGS_DIR}/`]);
  });
});
