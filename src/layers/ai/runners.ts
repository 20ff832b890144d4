// The agent runners: each Mac of the `agent` role runs a Forgejo Actions runner (forgejo-runner, built from its
// pinned source archive) as a LaunchDaemon under a user of its own, registered with the site's Forgejo by the
// token in the secrets. Jobs run on the Mac itself (host labels): macOS on Apple Silicon, next to the gateway.
import type { AiNode, Site } from '../../site/types.ts';
import { GENERATED_NOTICE, toPlist, toYaml } from '../../tree/serialize/index.ts';
import { MAC_PATHS } from './macs.ts';

/** The runner's own account (a role account, like the servers' `_beelab`): jobs can touch nothing else. */
export const RUNNER_USER = '_beelab_runner';
export const RUNNER_UID = 398;
export const RUNNER_LABEL = 'com.beelab.forgejo-runner';
/** The registration token Forgejo issues (an `issued` secret). */
export const RUNNER_TOKEN_SECRET = 'forgejo-runner-token';

/** Where the runner keeps its registration (.runner), config and job workspaces. */
export const RUNNER_PATHS = {
  home: '/usr/local/var/beelab-runner',
  config: '/usr/local/etc/beelab-runner/config.yaml',
  registration: '/usr/local/var/beelab-runner/.runner',
} as const;

/** The Macs that run a runner: the AI nodes of the agent role. */
export function runnerNodes(site: Site): AiNode[] {
  return site.ai.nodes.filter((n) => n.role === 'agent');
}

/** The site's Forgejo the runners register with, or undefined when the site runs none. */
export function forgejoUrl(site: Site): string | undefined {
  const forgejo = site.services.find((s) => s.name === 'forgejo' && s.fqdn);
  return forgejo ? `https://${forgejo.fqdn}` : undefined;
}

/** The labels a runner offers: jobs run on the Mac itself (`:host`), by platform or by name. */
export function runnerLabels(node: AiNode): string[] {
  return ['macos-arm64', 'macos', node.host].map((l) => `${l}:host`);
}

/** Path of the pinned binary the bootstrap builds. */
export function runnerBinary(site: Site): string {
  return `${MAC_PATHS.opt}/forgejo-runner/${site.versions.forgejoRunner}/forgejo-runner`;
}

/** forgejo-runner's config.yaml (the keys of `forgejo-runner generate-config`). */
export function runnerConfig(node: AiNode): string {
  return toYaml(
    {
      log: { level: 'info', job_level: 'info' },
      runner: {
        file: RUNNER_PATHS.registration,
        // One job at a time: the Mac's memory belongs to its models.
        capacity: 1,
        timeout: '3h',
        shutdown_timeout: '3h',
        fetch_timeout: '5s',
        fetch_interval: '2s',
        labels: runnerLabels(node),
      },
      cache: { enabled: true, dir: `${RUNNER_PATHS.home}/cache` },
      host: { workdir_parent: `${RUNNER_PATHS.home}/work` },
    },
    { header: GENERATED_NOTICE },
  );
}

/** The LaunchDaemon: `forgejo-runner daemon` as the runner's user, restarted whenever it exits. */
export function runnerPlist(site: Site): string {
  return toPlist(
    {
      Label: RUNNER_LABEL,
      ProgramArguments: [runnerBinary(site), 'daemon', '--config', RUNNER_PATHS.config],
      UserName: RUNNER_USER,
      WorkingDirectory: RUNNER_PATHS.home,
      EnvironmentVariables: {
        HOME: RUNNER_PATHS.home,
        // Host jobs find Homebrew's tools (node for actions, git) before the system's.
        PATH: '/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
      },
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 30,
      // A job may run for its timeout; launchd waits for the runner to finish it before killing.
      ExitTimeOut: 60,
      SoftResourceLimits: { NumberOfFiles: 65536 },
      StandardOutPath: `${MAC_PATHS.logs}/forgejo-runner.log`,
      StandardErrorPath: `${MAC_PATHS.logs}/forgejo-runner.log`,
    },
    { header: GENERATED_NOTICE },
  );
}

/** The runner's source archive at the pinned tag (Forgejo serves `<tag>.tar.gz` with a top folder `runner/`). */
export function runnerSourceUrl(site: Site): string {
  return `https://code.forgejo.org/forgejo/runner/archive/${site.versions.forgejoRunner}.tar.gz`;
}

/**
 * The bootstrap's part for a runner: its account, its folders and config, and the binary built from the verified
 * source archive (`go build` checks every module it downloads against the go.sum inside that archive). Registering
 * and starting it needs the token, so `beelab apply` does that (ai/runner/<host>). Empty for a Mac without one.
 */
export function runnerBootstrap(site: Site, node: AiNode): string {
  if (!forgejoUrl(site) || !runnerNodes(site).includes(node)) return '';
  const version = site.versions.forgejoRunner;
  const major = /^v(\d+)/.exec(version)?.[1] ?? '0';
  const bin = runnerBinary(site);
  const dir = bin.replace(/\/[^/]+$/, '');
  return `
# The Forgejo Actions runner: its own role account (jobs run as it, on this Mac), its config, and forgejo-runner
# ${version} built from the source archive pinned in versions.yaml. \`beelab apply\` registers and starts it.
if ! dscl . -read /Users/${RUNNER_USER} >/dev/null 2>&1; then
  sysadminctl -addUser ${RUNNER_USER} -fullName "Beelab CI runner" -UID ${RUNNER_UID} -roleAccount
fi
install -d -m 0750 -o ${RUNNER_USER} ${RUNNER_PATHS.home} ${RUNNER_PATHS.home}/work ${RUNNER_PATHS.home}/cache
install -d -m 0755 ${RUNNER_PATHS.config.replace(/\/[^/]+$/, '')}
install -m 0644 forgejo-runner/config.yaml ${RUNNER_PATHS.config}
if [[ ! -x "${bin}" ]]; then
  tmp=$(mktemp -d)
  fetch_verified "${runnerSourceUrl(site)}" \\
    ${site.versions.checksums.forgejoRunner} "$tmp/runner.tar.gz"
  mkdir "$tmp/src"
  tar -xzf "$tmp/runner.tar.gz" -C "$tmp/src" --strip-components 1
  install -d -m 0755 "${dir}"
  (cd "$tmp/src" && GOPATH="$tmp/go" GOCACHE="$tmp/cache" go build -trimpath \\
    -ldflags "-X code.forgejo.org/forgejo/runner/v${major}/internal/pkg/ver.version=${version}" \\
    -o "${bin}" .)
  rm -rf "$tmp"
fi
`;
}
