// The site's own CI, for Forgejo Actions and GitHub Actions: install the Beelab that rendered the repository,
// prove the committed files are what beelab.yaml renders (plan --exit-code), run every validator
// (check --strict), and prove the firewall policy packet by packet in the lab on a runner that allows it.
import { BEELAB_VERSION, pinnedDevTool } from '../../kernel/package-info.ts';
import { GENERATED_NOTICE, toYaml } from '../../tree/serialize/index.ts';

export const FORGEJO_WORKFLOW_PATH = '.forgejo/workflows/beelab.yml';
export const GITHUB_WORKFLOW_PATH = '.github/workflows/beelab.yml';

/** Actions pinned by commit; the comment names the release. Forgejo mirrors them under the same commits. */
export const ACTIONS = {
  checkout: { uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', release: 'v4.2.2' },
  setupNode: { uses: 'actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020', release: 'v4.4.0' },
} as const;

/** Debian/Ubuntu packages of the tools `beelab check --strict` runs (a test holds this to the validators). */
export const CHECK_APT_PACKAGES = [
  'ansible',
  'ansible-lint',
  'yamllint',
  'shellcheck',
  'prometheus',
  'prometheus-alertmanager',
  'prometheus-blackbox-exporter',
  'docker-compose',
  'nftables',
  'dnsmasq',
  'systemd',
  'caddy',
  // The plist validator's parser (plistlib).
  'python3',
] as const;

/** npm packages of the validators Beelab takes from npm, at the versions it is tested with. */
export function checkNpmPackages(): string[] {
  return ['renovate', '@action-validator/cli'].map((name) => `${name}@${pinnedDevTool(name)}`);
}

/** Packages `beelab lab test` needs (a test holds this to the lab's own tool list). */
export const LAB_APT_TOOLS = ['iproute2', 'nftables', 'dnsmasq', 'busybox', 'iputils-ping'] as const;

type Platform = 'forgejo' | 'github';

interface Step {
  name?: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
}

const NODE_MAJOR = '20';

function aptInstall(packages: readonly string[], sudo: boolean): string {
  const s = sudo ? 'sudo ' : '';
  return `${s}apt-get update\n${s}apt-get install -y --no-install-recommends ${packages.join(' ')}\n`;
}

/** Checkout and Node: GitHub's runner image needs setup-node; Forgejo's job container is a Node image. */
function prepare(platform: Platform): Step[] {
  const steps: Step[] = [{ name: 'Check out', uses: ACTIONS.checkout.uses }];
  if (platform === 'github')
    steps.push({ name: 'Node.js', uses: ACTIONS.setupNode.uses, with: { 'node-version': NODE_MAJOR } });
  return steps;
}

function installBeelab(extra: readonly string[] = []): Step {
  return {
    name: `Beelab ${BEELAB_VERSION}, the version that rendered this repository`,
    run: `npm install --global ${[`beelab@${BEELAB_VERSION}`, ...extra].join(' ')}`,
  };
}

/** Where a job runs: GitHub's hosted Ubuntu; on Forgejo a Node container, the lab on a host runner. */
function runner(platform: Platform, lab: boolean): Record<string, unknown> {
  if (platform === 'github') return { 'runs-on': 'ubuntu-24.04' };
  if (lab) return { 'runs-on': 'lab' };
  return { 'runs-on': 'docker', container: { image: `node:${NODE_MAJOR}-bookworm` } };
}

export function workflow(platform: Platform): Record<string, unknown> {
  const sudo = platform === 'github';
  const s = sudo ? 'sudo ' : '';
  return {
    name: 'beelab',
    on: { push: { branches: ['main'] }, pull_request: {}, workflow_dispatch: {} },
    permissions: { contents: 'read' },
    // A newer push to the same branch cancels the older run (an Actions expression, not a template).
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow's own expression syntax
    concurrency: { group: 'beelab-${{ github.ref }}', 'cancel-in-progress': true },
    jobs: {
      plan: {
        name: 'The files are what beelab.yaml renders',
        ...runner(platform, false),
        'timeout-minutes': 15,
        steps: [
          ...prepare(platform),
          installBeelab(),
          { name: 'beelab plan --exit-code', run: 'beelab plan --exit-code .' },
        ],
      },
      check: {
        name: 'Every validator passes',
        ...runner(platform, false),
        'timeout-minutes': 20,
        steps: [
          ...prepare(platform),
          { name: 'Validator tools', run: aptInstall(CHECK_APT_PACKAGES, sudo) },
          installBeelab(checkNpmPackages()),
          { name: 'beelab check --strict', run: 'beelab check --strict .' },
        ],
      },
      lab: {
        name: 'The firewall policy, packet by packet (lab)',
        needs: ['plan'],
        ...runner(platform, true),
        'timeout-minutes': 20,
        steps: [
          ...prepare(platform),
          { name: 'Lab tools', run: aptInstall(LAB_APT_TOOLS, sudo) },
          installBeelab(),
          {
            name: 'beelab lab test (network namespaces, needs root)',
            run: `${s}env "PATH=$PATH" beelab lab test .\n`,
          },
        ],
      },
    },
  };
}

const HEADERS: Record<Platform, string> = {
  forgejo: `${GENERATED_NOTICE}\n\nForgejo Actions. plan and check run in a Node container on any runner labelled \`docker\`;\nthe lab job needs a runner that may create network namespaces as root, registered with the\nlabel \`lab\` (forgejo-runner register --labels lab:host). See Beelab's docs/pipeline.md.`,
  github: `${GENERATED_NOTICE}\n\nGitHub Actions: plan and check on every push and pull request; the lab proves the firewall\npolicy in network namespaces on the hosted runner (root through sudo).`,
};

export function renderWorkflow(platform: Platform): string {
  const text = toYaml(workflow(platform), { header: HEADERS[platform] });
  // The pinned commit's release, as a comment Renovate and reviewers read (`uses: …@sha # v4.2.2`).
  return Object.values(ACTIONS).reduce(
    (t, a) => t.replaceAll(`uses: ${a.uses}\n`, `uses: ${a.uses} # ${a.release}\n`),
    text,
  );
}
