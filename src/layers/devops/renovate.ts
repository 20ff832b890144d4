// renovate.json: Renovate keeps versions.yaml (and ansible/requirements.yml, which comes from it) current with
// one pull request per layer, digests pinned, a waiting period for new releases, and commit messages in the
// repository's `scope: …` words. Only digest updates merge themselves, and only when CI passes.
import { type ScalarVersion, VERSION_SOURCES } from '../../catalog/versions.ts';
import { BEELAB_VERSION } from '../../kernel/package-info.ts';
import type { Site } from '../../site/types.ts';
import { toJson } from '../../tree/serialize/index.ts';
import { imageScope, SCALAR_SCOPES } from './scopes.ts';

export const RENOVATE_PATH = 'renovate.json';

/** How long a release must have been out before Renovate proposes it (withdrawn releases go first). */
export const MINIMUM_RELEASE_AGE = '3 days';

const VERSIONS_FILE = '/(^|/)versions\\.yaml$/';
const REQUIREMENTS_FILE = '/(^|/)ansible/requirements\\.yml$/';

/** The versions.yaml key an annotation sits above, and its upstream, as the regex managers read them. */
const customManagers = [
  {
    customType: 'regex',
    description: 'versions.yaml: a version under its `# renovate: datasource=… depName=…` line',
    managerFilePatterns: [VERSIONS_FILE],
    matchStrings: [
      '# renovate: datasource=(?<datasource>\\S+)( registryUrl=(?<registryUrl>\\S+))? depName=(?<depName>\\S+)\\n[\\w-]+: (?<currentValue>\\S+)',
    ],
  },
  {
    customType: 'regex',
    description:
      'versions.yaml: a version and, on the next line, the sha256 of its download (`# renovate: … digest=sha256`)',
    managerFilePatterns: [VERSIONS_FILE],
    matchStrings: [
      '# renovate: datasource=(?<datasource>\\S+)( registryUrl=(?<registryUrl>\\S+))? depName=(?<depName>\\S+) digest=sha256\\n[\\w-]+: (?<currentValue>\\S+)\\n[\\w-]+-sha256: (?<currentDigest>[a-f0-9]{64})',
    ],
  },
  {
    customType: 'regex',
    description: 'versions.yaml images: repository:tag@sha256:digest',
    managerFilePatterns: [VERSIONS_FILE],
    matchStrings: [
      '\\n {2}[\\w.-]+: (?<depName>[a-z0-9][a-z0-9._/-]*[a-z0-9]):(?<currentValue>[\\w][\\w.-]*)@(?<currentDigest>sha256:[a-f0-9]{64})',
    ],
    datasourceTemplate: 'docker',
  },
  {
    customType: 'regex',
    description: 'versions.yaml collections: the Ansible collections of ansible/requirements.yml',
    managerFilePatterns: [VERSIONS_FILE],
    matchStringsStrategy: 'recursive',
    matchStrings: [
      '\\ncollections:\\n( {2}\\S.*\\n?)+',
      ' {2}(?<depName>[\\w]+\\.[\\w]+): (?<currentValue>\\S+)',
    ],
    datasourceTemplate: 'galaxy-collection',
  },
  {
    customType: 'regex',
    description: 'ansible/requirements.yml, rendered from versions.yaml: updated in the same branch',
    managerFilePatterns: [REQUIREMENTS_FILE],
    matchStrings: ['- name: (?<depName>[\\w]+\\.[\\w]+)\\n\\s+version: (?<currentValue>\\S+)'],
    datasourceTemplate: 'galaxy-collection',
  },
];

/** depName → scope for everything Renovate tracks in this site, grouped into one rule per scope. */
function scopesOf(site: Site): Map<string, string[]> {
  const byScope = new Map<string, string[]>();
  const add = (scope: string, dep: string) => {
    const list = byScope.get(scope) ?? [];
    if (!list.includes(dep)) list.push(dep);
    byScope.set(scope, list);
  };
  for (const key of Object.keys(VERSION_SOURCES) as ScalarVersion[]) {
    const source = VERSION_SOURCES[key].source;
    if (source) add(SCALAR_SCOPES[key], source.depName);
  }
  for (const name of Object.keys(site.versions.collections)) add('ansible', name);
  for (const [key, ref] of Object.entries(site.versions.images)) {
    add(imageScope(site, key), ref.replace(/@.*$/, '').replace(/:[^:/]+$/, ''));
  }
  return byScope;
}

function packageRules(site: Site): Record<string, unknown>[] {
  const rules: Record<string, unknown>[] = [
    {
      description: 'k3s tags carry the k3s build (v1.34.2+k3s1): compare it as the build number',
      matchDepNames: ['k3s-io/k3s'],
      versioning:
        'regex:^v(?<major>\\d+)\\.(?<minor>\\d+)\\.(?<patch>\\d+)(?<compatibility>\\+k3s)(?<build>\\d+)$',
    },
    {
      description: 'llama.cpp tags are build numbers (b9860): compare them as one number',
      matchDepNames: ['ggml-org/llama.cpp'],
      versioning: 'regex:^b(?<major>\\d+)$',
    },
    {
      description: 'PyPI gives Renovate no digest: the wheel sha256 under mlx-lm is updated by hand',
      matchDepNames: ['mlx-lm'],
      prBodyNotes: [
        "Before merging: set `mlx-lm-sha256` in versions.yaml to the sha256 of `mlx_lm-{{{newVersion}}}-py3-none-any.whl` (https://pypi.org/project/mlx-lm/{{{newVersion}}}/#files). The Macs' bootstrap refuses a wheel that does not match it.",
      ],
    },
    {
      description:
        'PyPI gives Renovate no digest: the source distribution sha256 under litellm is updated by hand',
      matchDepNames: ['litellm'],
      prBodyNotes: [
        "Before merging: set `litellm-sha256` in versions.yaml to the sha256 of `litellm-{{{newVersion}}}.tar.gz` (https://pypi.org/project/litellm/{{{newVersion}}}/#files). The AI head's bootstrap refuses a file that does not match it.",
      ],
    },
    {
      description:
        'Forgejo gives Renovate no digest of a source archive: forgejo-runner-sha256 is updated by hand',
      matchDepNames: ['forgejo/runner'],
      prBodyNotes: [
        "Before merging: set `forgejo-runner-sha256` in versions.yaml to the sha256 of https://code.forgejo.org/forgejo/runner/archive/{{{newVersion}}}.tar.gz (`curl -fsSL URL | shasum -a 256`). The agent Macs' bootstrap refuses an archive that does not match it.",
      ],
    },
  ];
  for (const [scope, deps] of [...scopesOf(site)].sort(([a], [b]) => a.localeCompare(b))) {
    rules.push({
      description: `${scope}: one pull request for this layer's versions`,
      matchDepNames: deps,
      groupName: scope,
      commitMessagePrefix: `${scope}:`,
    });
    rules.push({
      description: `${scope}: a new digest of the same tag merges itself once CI passes`,
      matchDepNames: deps,
      matchUpdateTypes: ['digest', 'pinDigest'],
      groupName: `${scope} digests`,
      commitMessagePrefix: `${scope}:`,
      automerge: true,
    });
  }
  return rules;
}

export function renovateConfig(site: Site): Record<string, unknown> {
  return {
    $schema: 'https://docs.renovatebot.com/renovate-schema.json',
    description: `Generated by Beelab from beelab.yaml; edit overrides/${RENOVATE_PATH} (merged into this file), not this file.`,
    timezone: site.timezone,
    enabledManagers: ['custom.regex'],
    customManagers,
    semanticCommits: 'disabled',
    commitMessageAction: 'bump',
    commitMessageTopic: '{{depName}}',
    commitMessageExtra:
      '{{#if isDigest}}{{{currentValue}}} (digest {{{newDigestShort}}}){{else}}{{{currentValue}}} → {{{newValue}}}{{/if}}',
    pinDigests: true,
    minimumReleaseAge: MINIMUM_RELEASE_AGE,
    internalChecksFilter: 'strict',
    automerge: false,
    automergeType: 'pr',
    ignoreTests: false,
    dependencyDashboard: true,
    labels: ['dependencies'],
    postUpgradeTasks: {
      commands: [`npx --yes beelab@${BEELAB_VERSION} render .`],
      executionMode: 'branch',
    },
    packageRules: packageRules(site),
  };
}

export function renderRenovate(site: Site): string {
  return toJson(renovateConfig(site));
}
