// Mac setup per AI node (ai/macs/<host>/): a Brewfile, a bootstrap script (pmset for a server, the model servers at
// their pinned versions, a service account) and one launchd plist per model server, bound to the address the
// gateway reaches it at, with its logs and KeepAlive. The head also gets the gateway's LaunchDaemon (Beelab's, or
// LiteLLM's proxy from a pinned, verified source distribution when the site chooses ai.gateway: litellm); every Mac
// the node exporter's.
import { DEFAULT_ENTRY, renderLaunchdPlist } from '../../gateway/service-files.ts';
import type { AiNode, Site } from '../../site/types.ts';
import type { AiBackend } from '../../spec/schema.ts';
import { GENERATED_NOTICE, type PlistValue, toPlist } from '../../tree/serialize/index.ts';
import { NODE_EXPORTER_PORT } from '../observability/node-exporter.ts';
import { GATEWAY_ETC } from './gateway-config.ts';
import { RUNNER_LABEL, runnerBootstrap, runnerConfig, runnerPlist } from './runners.ts';
import { BACKEND_PORTS } from './site.ts';

/** Folder of a Mac's setup files in the site repository. */
export function macDir(host: string): string {
  return `ai/macs/${host}`;
}

/** Where things live on the Mac. */
export const MAC_PATHS = {
  /** The bootstrap installs the rendered plists here (LaunchDaemons: they run without a login). */
  daemons: '/Library/LaunchDaemons',
  /** The pinned model servers, one folder per server and version. */
  opt: '/usr/local/opt/beelab',
  /** Model stores and caches, owned by the service account. */
  state: '/usr/local/var/beelab',
  logs: '/usr/local/var/log/beelab',
  libexec: '/usr/local/libexec/beelab',
} as const;

/** The service account the model servers and the gateway run as (a role account, no login). */
export const SERVICE_USER = '_beelab';

/** Model servers the setup manages; vLLM and LM Studio are installed by hand (docs/ai.md). */
export const MANAGED_BACKENDS = ['ollama', 'llamacpp', 'mlx'] as const satisfies readonly AiBackend[];
type Managed = (typeof MANAGED_BACKENDS)[number];

function isManaged(b: AiBackend): b is Managed {
  return (MANAGED_BACKENDS as readonly AiBackend[]).includes(b);
}

/** launchd label of a node's model server. */
export function serverLabel(kind: AiBackend): string {
  return `com.beelab.${kind}`;
}

/** Label of the job that pulls Ollama's models once it is up. */
export const OLLAMA_PULL_LABEL = 'com.beelab.ollama-pull';
export const GATEWAY_LABEL = 'com.beelab.gateway';
/** LiteLLM's proxy (ai.gateway: litellm): loaded by apply once its config and master key are installed. */
export const LITELLM_LABEL = 'com.beelab.litellm';
/** LiteLLM's config.yaml and the master-key file apply writes from the secrets, readable by the service account only. */
export const LITELLM_ETC = '/usr/local/etc/beelab-litellm';
/** The launcher that reads the master key into LITELLM_MASTER_KEY and runs the proxy (installed by the bootstrap). */
export const LITELLM_LAUNCHER = `${MAC_PATHS.libexec}/run-litellm.sh`;
/** The head's LiteLLM files in its setup folder, beside (not in) launchd/: the bootstrap does not load them. */
export const litellmDir = (host: string) => `${macDir(host)}/litellm`;

/** Homebrew's node_exporter as a LaunchDaemon: Prometheus scrapes every Mac (observability/node-exporter.ts). */
export const NODE_EXPORTER_LABEL = 'com.beelab.node-exporter';

/** Homebrew's prefix on Apple Silicon; node for the gateway comes from there. */
const BREW = '/opt/homebrew';

/** The address a Mac's servers bind: the one the gateway reaches (the AI VLAN; the tailnet IP is set at bootstrap). */
function bindAddress(site: Site, host: string): string {
  return site.hosts.find((h) => h.name === host)!.address;
}

/**
 * The node exporter's LaunchDaemon: Homebrew's binary, on every address (the monitor scrapes the Mac's site address
 * even when the model servers bind the tailnet's), as the service account.
 */
function nodeExporterPlist(): string {
  return toPlist(
    {
      Label: NODE_EXPORTER_LABEL,
      ProgramArguments: [
        `${BREW}/opt/node_exporter/bin/node_exporter`,
        `--web.listen-address=:${NODE_EXPORTER_PORT}`,
      ],
      UserName: SERVICE_USER,
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 10,
      StandardOutPath: `${MAC_PATHS.logs}/node-exporter.log`,
      StandardErrorPath: `${MAC_PATHS.logs}/node-exporter.log`,
    },
    { header: GENERATED_NOTICE },
  );
}

/** The first model named as a Hugging Face repository (`org/name`), which llama.cpp and MLX load at start. */
function hf(models: string[]): string | undefined {
  return models.find((m) => m.includes('/'));
}

/** ProgramArguments and environment of one model server. */
function serverCommand(
  site: Site,
  node: AiNode,
  kind: Managed,
  models: string[],
): { args: string[]; env: Record<string, string> } {
  const addr = bindAddress(site, node.host);
  const port = String(BACKEND_PORTS[kind]);
  const v = site.versions;
  switch (kind) {
    case 'ollama':
      return {
        args: [`${MAC_PATHS.opt}/ollama/${v.ollama}/ollama`, 'serve'],
        env: {
          OLLAMA_HOST: `${addr}:${port}`,
          OLLAMA_MODELS: `${MAC_PATHS.state}/ollama/models`,
          // A server keeps its models loaded: the first request of the morning should not wait for a load.
          OLLAMA_KEEP_ALIVE: '24h',
          HOME: `${MAC_PATHS.state}/ollama`,
        },
      };
    case 'llamacpp':
      return {
        args: [
          `${MAC_PATHS.opt}/llama.cpp/${v.llamaCpp}/llama-server`,
          '--host',
          addr,
          '--port',
          port,
          '--metrics',
          // Its first Hugging Face model (repo[:quant]); without one it serves the GGUF files of its folder.
          ...(hf(models)
            ? ['--hf-repo', hf(models)!]
            : ['--models-dir', `${MAC_PATHS.state}/llama.cpp/models`]),
        ],
        env: { LLAMA_CACHE: `${MAC_PATHS.state}/llama.cpp/cache`, HOME: `${MAC_PATHS.state}/llama.cpp` },
      };
    case 'mlx':
      return {
        args: [
          `${MAC_PATHS.opt}/mlx-lm/${v.mlxLm}/bin/mlx_lm.server`,
          '--host',
          addr,
          '--port',
          port,
          ...(hf(models) ? ['--model', hf(models)!] : []),
        ],
        env: { HF_HOME: `${MAC_PATHS.state}/huggingface`, HOME: `${MAC_PATHS.state}/mlx` },
      };
  }
}

/** The LaunchDaemon of one model server: started at boot, restarted whenever it exits, logs under MAC_PATHS.logs. */
export function serverPlist(site: Site, node: AiNode, kind: Managed, models: string[]): string {
  const { args, env } = serverCommand(site, node, kind, models);
  const plist: Record<string, PlistValue> = {
    Label: serverLabel(kind),
    ProgramArguments: args,
    UserName: SERVICE_USER,
    EnvironmentVariables: env,
    WorkingDirectory: env.HOME!,
    RunAtLoad: true,
    KeepAlive: true,
    // launchd waits this long between restarts of a server that keeps failing.
    ThrottleInterval: 10,
    // Interactive: no App Nap or background throttling of a server that answers requests.
    ProcessType: 'Interactive',
    SoftResourceLimits: { NumberOfFiles: 65536 },
    StandardOutPath: `${MAC_PATHS.logs}/${kind}.log`,
    StandardErrorPath: `${MAC_PATHS.logs}/${kind}.log`,
  };
  return toPlist(plist, { header: GENERATED_NOTICE });
}

/** A one-shot job after Ollama starts: pull the node's models (already present ones cost one HEAD request). */
function ollamaPullPlist(site: Site, node: AiNode): string {
  const addr = bindAddress(site, node.host);
  return toPlist(
    {
      Label: OLLAMA_PULL_LABEL,
      ProgramArguments: ['/bin/bash', `${MAC_PATHS.libexec}/pull-models.sh`],
      UserName: SERVICE_USER,
      EnvironmentVariables: {
        OLLAMA_HOST: `${addr}:${BACKEND_PORTS.ollama}`,
        HOME: `${MAC_PATHS.state}/ollama`,
      },
      RunAtLoad: true,
      // Retried until every pull succeeded (exit 0), e.g. when the network came up late.
      KeepAlive: { SuccessfulExit: false },
      ThrottleInterval: 60,
      StandardOutPath: `${MAC_PATHS.logs}/ollama-pull.log`,
      StandardErrorPath: `${MAC_PATHS.logs}/ollama-pull.log`,
    },
    { header: GENERATED_NOTICE },
  );
}

function pullScript(site: Site, node: AiNode): string {
  const ollama = `${MAC_PATHS.opt}/ollama/${site.versions.ollama}/ollama`;
  return `#!/bin/bash
# ${GENERATED_NOTICE}
# Pulls ${node.host}'s Ollama models once the server answers (run by launchd: ${OLLAMA_PULL_LABEL}).
set -euo pipefail

for _ in $(seq 1 60); do
  if ${ollama} list >/dev/null 2>&1; then break; fi
  sleep 2
done
${node.models.map((m) => `${ollama} pull ${shellQuote(m)}`).join('\n')}
`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9._:/@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** llama.cpp's macOS arm64 build of a tag (a .tar.gz since b7956, a .zip before). */
export function llamaCppAsset(tag: string): string {
  const build = Number(/^b(\d+)$/.exec(tag)?.[1] ?? Number.NaN);
  return `llama-${tag}-bin-macos-arm64.${build < 7956 ? 'zip' : 'tar.gz'}`;
}

/** LiteLLM's source distribution on PyPI: the file whose sha256 versions.yaml pins. */
export function litellmSdist(version: string): string {
  return `litellm-${version}.tar.gz`;
}

/** Where the bootstrap makes LiteLLM's virtual environment. */
export function litellmVenv(site: Site): string {
  return `${MAC_PATHS.opt}/litellm/${site.versions.litellm}`;
}

/**
 * LiteLLM's LaunchDaemon: the launcher with LiteLLM's own CLI flags (litellm --config --host --port --num_workers).
 * It listens on every address at ai.gatewayPort like Beelab's gateway (listen.host 0.0.0.0): the tailnet's clients
 * and the site's (through the firewall) reach the same port. One worker: without Redis each worker would keep its
 * own cooldowns of failed backends. No key in here: the launcher reads it from LITELLM_ETC/master-key.
 */
export function litellmPlist(site: Site): string {
  const home = `${MAC_PATHS.state}/litellm`;
  return toPlist(
    {
      Label: LITELLM_LABEL,
      ProgramArguments: [
        '/bin/bash',
        LITELLM_LAUNCHER,
        '--config',
        `${LITELLM_ETC}/config.yaml`,
        '--host',
        '0.0.0.0',
        '--port',
        String(site.ai.gatewayPort),
        '--num_workers',
        '1',
      ],
      UserName: SERVICE_USER,
      EnvironmentVariables: {
        HOME: home,
        // The model prices LiteLLM ships with, not a fetch of the newest list from GitHub at every start.
        LITELLM_LOCAL_MODEL_COST_MAP: 'True',
      },
      WorkingDirectory: home,
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 10,
      ProcessType: 'Interactive',
      SoftResourceLimits: { NumberOfFiles: 65536 },
      StandardOutPath: `${MAC_PATHS.logs}/litellm.log`,
      StandardErrorPath: `${MAC_PATHS.logs}/litellm.log`,
    },
    { header: GENERATED_NOTICE },
  );
}

/** The launcher: the master key from the file apply installs, into the environment LiteLLM's config names. */
function litellmLauncher(site: Site): string {
  return `#!/bin/bash
# ${GENERATED_NOTICE}
# Runs LiteLLM's proxy (launchd: ${LITELLM_LABEL}) with LITELLM_MASTER_KEY, which config.yaml reads as
# os.environ/LITELLM_MASTER_KEY, from the file beelab apply writes from the age-encrypted secret
# gateway-key-operators: the key is in neither the plist nor the repository.
set -euo pipefail

key_file=${LITELLM_ETC}/master-key
if [[ ! -s $key_file ]]; then
  echo "run-litellm.sh: $key_file is missing; beelab apply --only ai/gateway installs it" >&2
  exit 1
fi
LITELLM_MASTER_KEY=$(<"$key_file")
export LITELLM_MASTER_KEY
exec ${litellmVenv(site)}/bin/litellm "$@"
`;
}

/** MLX LM's wheel (pure Python, one for every platform). */
export function mlxLmWheel(version: string): string {
  return `mlx_lm-${version}-py3-none-any.whl`;
}

/** The servers a node runs that the setup manages, each with the models it is told to load. */
function managedServers(node: AiNode): { kind: Managed; models: string[] }[] {
  return node.backends.flatMap((kind, i) =>
    isManaged(kind) ? [{ kind, models: i === 0 ? node.models : [] }] : [],
  );
}

/** Homebrew Bundle: what the bootstrap needs from Homebrew. The servers come pinned from their releases. */
function brewfile(node: AiNode, gateway: boolean, runner: boolean, litellm: boolean): string {
  const kinds = managedServers(node).map((s) => s.kind);
  const lines = [
    `# ${GENERATED_NOTICE}`,
    `# ${node.host}: brew bundle --file=Brewfile (run by bootstrap.sh)`,
    '# The mesh VPN: tailscaled as a LaunchDaemon (sudo brew services start tailscale).',
    'brew "tailscale"',
    '# Host metrics for Prometheus (LaunchDaemon com.beelab.node-exporter).',
    'brew "node_exporter"',
  ];
  if (kinds.includes('mlx')) lines.push('# MLX LM runs from its own virtual environment, made with uv.');
  if (litellm)
    lines.push("# LiteLLM's proxy (the gateway) runs from its own virtual environment, made with uv.");
  if (kinds.includes('mlx') || litellm) lines.push('brew "uv"');
  if (gateway) lines.push('# The gateway (beelab gateway) runs on Node.js.', 'brew "node"');
  if (runner)
    lines.push(
      '# The Forgejo Actions runner is built from its pinned source with Go; actions run on Node.js.',
      'brew "go"',
      ...(gateway ? [] : ['brew "node"']),
      'brew "git"',
    );
  if (node.backends.includes('lmstudio')) lines.push('cask "lm-studio"');
  return `${lines.join('\n')}\n`;
}

/** The bootstrap script: run once as an admin (sudo), then again after a version bump; safe to repeat. */
function bootstrap(site: Site, node: AiNode, gateway: boolean, litellm: boolean): string {
  const v = site.versions;
  const servers = managedServers(node);
  const kinds = servers.map((s) => s.kind);
  const labels = [
    ...servers.map((s) => serverLabel(s.kind)),
    ...(kinds.includes('ollama') && node.models.length > 0 && node.backends[0] === 'ollama'
      ? [OLLAMA_PULL_LABEL]
      : []),
    ...(gateway ? [GATEWAY_LABEL] : []),
    NODE_EXPORTER_LABEL,
  ];
  const sums = v.checksums;
  const install: string[] = [];
  if (kinds.includes('ollama'))
    install.push(`install_release ollama ${v.ollama} ollama \\
  "https://github.com/ollama/ollama/releases/download/${v.ollama}/ollama-darwin.tgz" \\
  ${sums.ollama}`);
  if (kinds.includes('llamacpp'))
    install.push(`install_release llama.cpp ${v.llamaCpp} llama-server \\
  "https://github.com/ggml-org/llama.cpp/releases/download/${v.llamaCpp}/${llamaCppAsset(v.llamaCpp)}" \\
  ${sums.llamaCpp}`);
  if (kinds.includes('mlx')) {
    const venv = `${MAC_PATHS.opt}/mlx-lm/${v.mlxLm}`;
    const wheel = mlxLmWheel(v.mlxLm);
    install.push(`if [[ ! -x "${venv}/bin/mlx_lm.server" ]]; then
  tmp=$(mktemp -d)
  # PyPI's stable address of a file: /packages/<python tag>/<first letter>/<project>/<file>.
  fetch_verified "https://files.pythonhosted.org/packages/py3/m/mlx-lm/${wheel}" \\
    ${sums.mlxLm} "$tmp/${wheel}"
  uv venv --python 3.12 "${venv}"
  VIRTUAL_ENV="${venv}" uv pip install "$tmp/${wheel}"
  rm -rf "$tmp"
fi`);
  }
  if (litellm) {
    const venv = litellmVenv(site);
    const sdist = litellmSdist(v.litellm);
    install.push(`# LiteLLM's proxy (ai.gateway: litellm), as its docs install it: pip install 'litellm[proxy]', here into a uv
# environment from the verified source distribution; the proxy's own dependencies come from PyPI.
if [[ ! -x "${venv}/bin/litellm" ]]; then
  tmp=$(mktemp -d)
  # PyPI's stable address of a source distribution: /packages/source/<first letter>/<project>/<file>.
  fetch_verified "https://files.pythonhosted.org/packages/source/l/litellm/${sdist}" \\
    ${sums.litellm} "$tmp/${sdist}"
  uv venv --python 3.12 "${venv}"
  VIRTUAL_ENV="${venv}" uv pip install "litellm[proxy] @ file://$tmp/${sdist}"
  # The service account's: the proxy arranges its admin UI's files inside its package when it starts.
  chown -R ${SERVICE_USER} "${venv}"
  rm -rf "$tmp"
fi
install -m 0755 litellm/run-litellm.sh ${LITELLM_LAUNCHER}
install -d -m 0700 -o ${SERVICE_USER} ${LITELLM_ETC}
install -d -m 0750 -o ${SERVICE_USER} ${MAC_PATHS.state}/litellm`);
  }
  return `#!/bin/bash
# ${GENERATED_NOTICE}
# Sets up ${node.host} (${node.role}) as a server of the AI mesh: Homebrew packages, power settings, the model
# servers at the versions of versions.yaml, and their LaunchDaemons. Run as root from this folder:
#   sudo ./bootstrap.sh
# Safe to run again: it installs only what is missing and reloads the daemons.
set -euo pipefail
cd "$(dirname "$0")"

if [[ $(id -u) -ne 0 ]]; then
  echo "bootstrap.sh: run it with sudo" >&2
  exit 1
fi
if [[ $(uname -s) != Darwin || $(uname -m) != arm64 ]]; then
  echo "bootstrap.sh: this is for an Apple Silicon Mac" >&2
  exit 1
fi
admin=\${SUDO_USER:?run it with sudo from the admin account}

# Homebrew runs as the admin, never as root.
sudo -u "$admin" -H ${BREW}/bin/brew bundle --file=Brewfile
export PATH="${BREW}/bin:$PATH"

# A server: no sleep, back on after a power failure, wake for network access.
pmset -a sleep 0 disksleep 0 displaysleep 10 powernap 0 womp 1 autorestart 1
systemsetup -setrestartfreeze on >/dev/null

# The service account (a role account: no login, no home in /Users).
if ! dscl . -read /Users/${SERVICE_USER} >/dev/null 2>&1; then
  sysadminctl -addUser ${SERVICE_USER} -fullName "Beelab services" -UID 399 -roleAccount
fi
install -d -m 0755 ${MAC_PATHS.opt} ${MAC_PATHS.libexec}
install -d -m 0750 -o ${SERVICE_USER} ${MAC_PATHS.state} ${MAC_PATHS.logs}
${kinds.map((k) => `install -d -m 0750 -o ${SERVICE_USER} ${MAC_PATHS.state}/${k === 'llamacpp' ? 'llama.cpp' : k}`).join('\n')}

# fetch_verified URL SHA256 FILE: download URL to FILE and check it against its sha256 in versions.yaml before
# anything uses it; a mismatch stops the bootstrap.
fetch_verified() {
  local url=$1 sha256=$2 file=$3
  curl -fsSL --retry 3 -o "$file" "$url"
  printf '%s  %s\\n' "$sha256" "$file" >"$file.sha256"
  if ! shasum -a 256 -c "$file.sha256" >/dev/null; then
    echo "bootstrap.sh: $url does not match its sha256 in versions.yaml ($sha256); nothing was installed" >&2
    rm -f "$file"
    exit 1
  fi
}

# install_release NAME VERSION BINARY URL SHA256: unpack a verified release archive into ${MAC_PATHS.opt}/NAME/VERSION.
install_release() {
  local name=$1 version=$2 binary=$3 url=$4 sha256=$5
  local dest="${MAC_PATHS.opt}/$name/$version"
  if [[ -x "$dest/$binary" ]]; then return; fi
  local tmp
  tmp=$(mktemp -d)
  fetch_verified "$url" "$sha256" "$tmp/archive"
  install -d -m 0755 "$dest"
  case $url in
    *.zip) ditto -x -k "$tmp/archive" "$tmp/x" ;;
    *) mkdir "$tmp/x" && tar -xzf "$tmp/archive" -C "$tmp/x" ;;
  esac
  # The binary and the libraries next to it (llama.cpp ships its dylibs beside llama-server).
  cp -R "$(dirname "$(find "$tmp/x" -name "$binary" -type f | head -n 1)")"/. "$dest/"
  xattr -dr com.apple.quarantine "$dest" 2>/dev/null || true
  rm -rf "$tmp"
}
${install.join('\n')}
${runnerBootstrap(site, node)}${labels.includes(OLLAMA_PULL_LABEL) ? `install -m 0755 pull-models.sh ${MAC_PATHS.libexec}/pull-models.sh\n` : ''}
# The daemons bind the address the gateway reaches: the tailnet address when the site names a tailnet.
site_address=${bindAddress(site, node.host)}
bind=$site_address
${site.ai.tailnet ? `bind=$(tailscale ip -4 | head -n 1)\nif [[ -z $bind ]]; then\n  echo "bootstrap.sh: join the tailnet first (ai/tailscale/README.md)" >&2\n  exit 1\nfi\n` : ''}labels=(${labels.join(' ')})
for label in "\${labels[@]}"; do
  plist="launchd/$label.plist"
  target="${MAC_PATHS.daemons}/$label.plist"
  content=$(<"$plist")
  printf '%s\\n' "\${content//"$site_address"/"$bind"}" >"$target.new"
  chown root:wheel "$target.new"
  chmod 0644 "$target.new"
  plutil -lint "$target.new" >/dev/null
  launchctl bootout "system/$label" 2>/dev/null || true
  mv "$target.new" "$target"
  launchctl bootstrap system "$target"
done
echo "bootstrap.sh: ${node.host} is set up (${labels.join(', ')})"
`;
}

/** Every Mac's setup files, keyed by path under the repository root. */
export function renderMacs(site: Site): Map<string, string> {
  const out = new Map<string, string>();
  for (const node of site.ai.nodes) {
    const dir = macDir(node.host);
    const gateway = site.ai.gatewayHost === node.host && site.ai.gateway === 'beelab';
    const litellm = site.ai.gatewayHost === node.host && site.ai.gateway === 'litellm';
    const runner = runnerBootstrap(site, node) !== '';
    out.set(`${dir}/Brewfile`, brewfile(node, gateway, runner, litellm));
    out.set(`${dir}/bootstrap.sh`, bootstrap(site, node, gateway, litellm));
    if (litellm) {
      // Not under launchd/: apply loads LiteLLM once its config and master key are in place.
      out.set(`${litellmDir(node.host)}/${LITELLM_LABEL}.plist`, litellmPlist(site));
      out.set(`${litellmDir(node.host)}/run-litellm.sh`, litellmLauncher(site));
    }
    for (const { kind, models } of managedServers(node))
      out.set(`${dir}/launchd/${serverLabel(kind)}.plist`, serverPlist(site, node, kind, models));
    out.set(`${dir}/launchd/${NODE_EXPORTER_LABEL}.plist`, nodeExporterPlist());
    if (runner) {
      // Not under launchd/: the runner's LaunchDaemon is loaded by apply once it is registered (it needs the token).
      out.set(`${dir}/forgejo-runner/config.yaml`, runnerConfig(node));
      out.set(`${dir}/forgejo-runner/${RUNNER_LABEL}.plist`, runnerPlist(site));
    }
    if (node.backends[0] === 'ollama' && node.models.length > 0) {
      out.set(`${dir}/launchd/${OLLAMA_PULL_LABEL}.plist`, ollamaPullPlist(site, node));
      out.set(`${dir}/pull-models.sh`, pullScript(site, node));
    }
    if (gateway)
      out.set(
        `${dir}/launchd/${GATEWAY_LABEL}.plist`,
        renderLaunchdPlist({
          node: `${BREW}/bin/node`,
          entry: DEFAULT_ENTRY.launchd,
          config: `${GATEWAY_ETC}/gateway.yaml`,
          port: site.ai.gatewayPort,
          // The gateway's default drain (30 s) and 5 s to exit, as `beelab gateway service` writes it.
          stopTimeoutSec: 35,
          logDir: MAC_PATHS.logs,
          user: SERVICE_USER,
        }),
      );
  }
  return out;
}
