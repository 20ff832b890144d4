// The AI layer's apply steps: per Mac over SSH, copy its setup folder and run bootstrap.sh (which installs the
// servers and loads their LaunchDaemons), verified by each model server's health URL; the gateway last: its
// bundle, gateway.yaml and the keys' hashes from the secrets, verified by one completion with the smoke-test key
// (or, with ai.gateway: litellm, LiteLLM's config.yaml and master key, verified with that key).

import { DEFAULT_ENTRY } from '../../gateway/service-files.ts';
import type { Site } from '../../site/types.ts';
import type { FileTree } from '../../tree/file-tree.ts';
import { ansibleAccess } from '../devops/ansible-access.ts';
import { type Step, secretEnvName, shellQuote } from '../step.ts';
import {
  GATEWAY_CONFIG_PATH,
  GATEWAY_ETC,
  keyHashFile,
  keySecret,
  LITELLM_CONFIG_PATH,
  meshBackends,
} from './gateway-config.ts';
import {
  GATEWAY_LABEL,
  LITELLM_ETC,
  LITELLM_LABEL,
  litellmDir,
  MAC_PATHS,
  macDir,
  SERVICE_USER,
} from './macs.ts';
import {
  forgejoUrl,
  RUNNER_LABEL,
  RUNNER_PATHS,
  RUNNER_TOKEN_SECRET,
  RUNNER_USER,
  runnerBinary,
  runnerLabels,
  runnerNodes,
} from './runners.ts';
import { BACKEND_HEALTH, SMOKE_KEY } from './site.ts';

const SSH = `ssh -o BatchMode=yes ${'$'}{BEELAB_SSH_OPTS:-}`; // a shell expansion, not a template

export const macStep = (host: string) => `ai/mac/${host}`;
export const GATEWAY_STEP = 'ai/gateway';

/** `user@address` of a Mac. */
function target(site: Site, host: string): string {
  const h = site.hosts.find((x) => x.name === host)!;
  const access = ansibleAccess(h);
  return `${access.ssh ? access.user : 'admin'}@${h.address}`;
}

/** GET a URL until it answers 200 (a server loading its models answers 503 for a while). */
function until200(url: string, tries = 60): string {
  const curl = ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', url]
    .map(shellQuote)
    .join(' ');
  return [
    `ok=; for _ in $(seq 1 ${tries}); do`,
    `  code=$(${curl} || true)`,
    '  if [ "$code" = 200 ]; then ok=1; break; fi',
    '  sleep 5',
    'done',
    `[ -n "$ok" ] || { echo "${url} answered \${code:-nothing}, not 200" >&2; exit 1; }`,
  ].join('\n');
}

/**
 * Per agent Mac, after its bootstrap: register its Forgejo runner with the token from the secrets (once: the
 * registration file stays), install its LaunchDaemon and (re)start it; verified by launchd running it.
 */
function runnerSteps(site: Site, files: FileTree): Step[] {
  const url = forgejoUrl(site);
  if (!url) return [];
  return runnerNodes(site).flatMap((node) => {
    const plist = `${macDir(node.host)}/forgejo-runner/${RUNNER_LABEL}.plist`;
    if (!files.has(plist)) return [];
    const daemon = `${MAC_PATHS.daemons}/${RUNNER_LABEL}.plist`;
    const register = [
      runnerBinary(site),
      'register',
      '--no-interactive',
      '--config',
      RUNNER_PATHS.config,
      '--instance',
      url,
      '--name',
      node.host,
      // No --labels: register takes the config's runner.labels over the flag (and warns that it ignores the flag).
    ].join(' ');
    const remote = [
      'set -e',
      // The token arrives on stdin; the registration file is the runner's from then on.
      'token=$(cat)',
      `if ! sudo -n test -s ${RUNNER_PATHS.registration}; then`,
      `  cd ${RUNNER_PATHS.home}`,
      `  sudo -n -u ${RUNNER_USER} ${register} --token "$token"`,
      'fi',
      `sudo -n install -m 0644 -o root -g wheel beelab-ai/forgejo-runner/${RUNNER_LABEL}.plist ${daemon}`,
      `sudo -n plutil -lint ${daemon} >/dev/null`,
      `sudo -n launchctl bootout system/${RUNNER_LABEL} 2>/dev/null || true`,
      `sudo -n launchctl bootstrap system ${daemon}`,
    ].join('\n');
    return [
      {
        id: runnerStep(node.host),
        layer: 'ai',
        title: `${node.host}: the Forgejo Actions runner registered with ${url} (labels ${runnerLabels(node).join(', ')}) and running as ${RUNNER_USER}`,
        hosts: [node.host],
        run: {
          kind: 'shell',
          script: `${SSH} ${target(site, node.host)} ${shellQuote(remote)} < "$${secretEnvName(RUNNER_TOKEN_SECRET)}"`,
        },
        inputs: [plist, `${macDir(node.host)}/forgejo-runner/config.yaml`],
        after: [macStep(node.host)],
        secrets: [RUNNER_TOKEN_SECRET],
        verify: {
          kind: 'shell',
          script: `${SSH} ${target(site, node.host)} ${shellQuote(
            [
              `sudo -n test -s ${RUNNER_PATHS.registration}`,
              `sudo -n launchctl print system/${RUNNER_LABEL} | grep -q 'state = running'`,
            ].join(' && '),
          )}`,
        },
        rebuild: { phase: 'app' },
      } satisfies Step,
    ];
  });
}

export const runnerStep = (host: string) => `ai/runner/${host}`;

/** The secret whose plaintext is LiteLLM's master key: the admins' key (LiteLLM has no other keys without a database). */
export const LITELLM_MASTER_SECRET = keySecret('operators');

/** One chat completion through the gateway with the key in `keyFile`: a reply with `choices` or the step fails. */
function completionCheck(url: string, model: string, keyFile: string): string[] {
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Say OK.' }], max_tokens: 8 });
  return [
    `key=$(cat "${keyFile}")`,
    `reply=$(curl -fsS --max-time 120 -H "Authorization: Bearer $key" -H 'Content-Type: application/json' --data ${shellQuote(body)} ${shellQuote(url)})`,
    // A completion has a choice with a message; anything else is printed for the log.
    `printf '%s' "$reply" | grep -q '"choices"' || { echo "no completion: $reply" >&2; exit 1; }`,
  ];
}

/**
 * ai.gateway: litellm. LiteLLM's config.yaml and its master key (the secret gateway-key-operators) installed for the
 * service account only, its LaunchDaemon installed and (re)loaded; verified by LiteLLM's readiness probe and one
 * completion with the master key: without a database LiteLLM has no virtual keys, so the smoke-test key is Beelab's.
 */
function litellmStep(site: Site, files: FileTree, after: string[]): Step | undefined {
  const gw = site.ai.gatewayHost;
  if (!gw) return undefined;
  const plist = `${litellmDir(gw)}/${LITELLM_LABEL}.plist`;
  if (!files.has(LITELLM_CONFIG_PATH) || !files.has(plist)) return undefined;
  const h = site.hosts.find((x) => x.name === gw)!;
  const daemon = `${MAC_PATHS.daemons}/${LITELLM_LABEL}.plist`;
  const secret = `$${secretEnvName(LITELLM_MASTER_SECRET)}`;
  const script = [
    'work=$(mktemp -d)',
    'trap \'rm -rf "$work"\' EXIT',
    `cp ${shellQuote(LITELLM_CONFIG_PATH)} "$work/config.yaml"`,
    `cp ${shellQuote(plist)} "$work/${LITELLM_LABEL}.plist"`,
    `cp "${secret}" "$work/master-key"`,
    `tar -C "$work" -cf - . | ${SSH} ${target(site, gw)} ${shellQuote(
      [
        'set -e',
        'tmp=$(mktemp -d)',
        'trap \'rm -rf "$tmp"\' EXIT',
        'tar -C "$tmp" -xf -',
        `sudo -n install -d -m 0700 -o ${SERVICE_USER} ${LITELLM_ETC}`,
        `sudo -n install -m 0600 -o ${SERVICE_USER} "$tmp/config.yaml" ${LITELLM_ETC}/config.yaml`,
        `sudo -n install -m 0600 -o ${SERVICE_USER} "$tmp/master-key" ${LITELLM_ETC}/master-key`,
        `sudo -n install -m 0644 -o root -g wheel "$tmp/${LITELLM_LABEL}.plist" ${daemon}`,
        `sudo -n plutil -lint ${daemon} >/dev/null`,
        // bootout + bootstrap: a changed plist or config takes effect (kickstart would keep the loaded plist).
        `sudo -n launchctl bootout system/${LITELLM_LABEL} 2>/dev/null || true`,
        `sudo -n launchctl bootstrap system ${daemon}`,
      ].join('\n'),
    )}`,
  ].join('\n');
  const base = `http://${h.address}:${site.ai.gatewayPort}`;
  const smoke = site.ai.keys.find((k) => k.name === SMOKE_KEY);
  return {
    id: GATEWAY_STEP,
    layer: 'ai',
    title: `LiteLLM's proxy on ${gw}: config.yaml, the master key from the secrets, its LaunchDaemon; a completion through it with the master key`,
    hosts: [gw],
    run: { kind: 'shell', script },
    // The launcher names the venv of the pinned version: a version bump restarts LiteLLM on the new one.
    inputs: [LITELLM_CONFIG_PATH, plist, `${litellmDir(gw)}/run-litellm.sh`],
    after,
    secrets: [LITELLM_MASTER_SECRET],
    verify: {
      kind: 'shell',
      script: [
        // LiteLLM's readiness probe (no key): 200 once the proxy has loaded its config and router.
        until200(`${base}/health/readiness`, 30),
        ...completionCheck(`${base}/v1/chat/completions`, smoke?.models?.[0] ?? 'small', secret),
      ].join('\n'),
    },
    rebuild: { phase: 'app' },
  };
}

export function aiSteps(site: Site, files: FileTree): Step[] {
  const out: Step[] = [];
  const backends = meshBackends(site);
  for (const node of site.ai.nodes) {
    const dir = macDir(node.host);
    if (!files.has(`${dir}/bootstrap.sh`)) continue;
    const dest = 'beelab-ai';
    const script = [
      `tar -C ${shellQuote(dir)} -cf - . | ${SSH} ${target(site, node.host)} ${shellQuote(
        `rm -rf ${dest} && mkdir -p ${dest} && tar -C ${dest} -xf - && sudo -n ./${dest}/bootstrap.sh`,
      )}`,
    ].join('\n');
    const mine = backends.filter((b) => b.host === node.host);
    out.push({
      id: macStep(node.host),
      layer: 'ai',
      title: `${node.host}: Homebrew bundle, power settings, ${mine.map((b) => b.kind).join(', ')} at their pinned versions, LaunchDaemons loaded; each server's health URL answers`,
      hosts: [node.host],
      run: { kind: 'shell', script },
      inputs: files
        .entries()
        .map(([p]) => p)
        .filter((p) => p.startsWith(`${dir}/`))
        .sort(),
      // On the Mac itself (only the gateway may reach the servers through the firewall), at the URL the gateway
      // uses: the MagicDNS name when the site names a tailnet, else the site name.
      verify: {
        kind: 'shell',
        script: `${SSH} ${target(site, node.host)} ${shellQuote(
          mine.map((b) => until200(`${b.url}${BACKEND_HEALTH[b.kind]}`)).join('\n'),
        )}`,
      },
      rebuild: { phase: 'app' },
    });
  }
  out.push(...runnerSteps(site, files));
  const macs = out.filter((s) => s.id.startsWith('ai/mac/')).map((s) => s.id);
  const litellm = out.length > 0 ? litellmStep(site, files, macs) : undefined;
  if (litellm) out.push(litellm);
  const gw = site.ai.gatewayHost;
  if (gw && files.has(GATEWAY_CONFIG_PATH) && out.length > 0) {
    const smoke = site.ai.keys.find((k) => k.name === SMOKE_KEY)!;
    const keys = site.ai.keys.map((k) => k.name);
    const h = site.hosts.find((x) => x.name === gw)!;
    const ssh = `${SSH} ${target(site, gw)}`;
    const entry = DEFAULT_ENTRY.launchd;
    const script = [
      // The bundle is a build product of the Beelab that runs this apply: made fresh, never committed.
      'work=$(mktemp -d)',
      'trap \'rm -rf "$work"\' EXIT',
      'beelab gateway bundle --out "$work/beelab-gateway.mjs"',
      'mkdir -p "$work/keys"',
      ...keys.map(
        (k) => `beelab gateway hash-key < "$${secretEnvName(keySecret(k))}" > "$work/${keyHashFile(k)}"`,
      ),
      `cp ${shellQuote(GATEWAY_CONFIG_PATH)} "$work/gateway.yaml"`,
      `tar -C "$work" -cf - . | ${ssh} ${shellQuote(
        [
          'set -e',
          'tmp=$(mktemp -d)',
          'tar -C "$tmp" -xf -',
          `sudo -n install -d -m 0755 ${entry.replace(/\/[^/]+$/, '')}`,
          `sudo -n install -m 0644 "$tmp/beelab-gateway.mjs" ${entry}`,
          `sudo -n install -d -m 0700 -o _beelab ${GATEWAY_ETC} ${GATEWAY_ETC}/keys`,
          `sudo -n install -m 0600 -o _beelab "$tmp/gateway.yaml" ${GATEWAY_ETC}/gateway.yaml`,
          `sudo -n install -m 0600 -o _beelab "$tmp"/keys/*.sha256 ${GATEWAY_ETC}/keys/`,
          'rm -rf "$tmp"',
          `sudo -n launchctl kickstart -k system/${GATEWAY_LABEL}`,
        ].join('\n'),
      )}`,
    ].join('\n');
    const url = `http://${h.address}:${site.ai.gatewayPort}/v1/chat/completions`;
    const verify = [
      until200(`http://${h.address}:${site.ai.gatewayPort}/readyz`, 30),
      ...completionCheck(url, smoke.models?.[0] ?? 'small', `$${secretEnvName(keySecret(SMOKE_KEY))}`),
    ].join('\n');
    out.push({
      id: GATEWAY_STEP,
      layer: 'ai',
      title: `The gateway on ${gw}: bundle, gateway.yaml, the keys' hashes; a completion through it with the ${SMOKE_KEY} key`,
      hosts: [gw],
      run: { kind: 'shell', script },
      inputs: [GATEWAY_CONFIG_PATH],
      after: macs,
      secrets: keys.map(keySecret),
      verify: { kind: 'shell', script: verify },
      rebuild: { phase: 'app' },
    });
  }
  return out;
}
