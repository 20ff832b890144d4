// `beelab drift [dir]`: downloads the running firewall's configuration and reports, rule by rule and host
// mapping by host mapping, what differs from the rendered one; --export keeps the live items in the repository.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../../errors.ts';
import { firewallBackends } from '../../layers/network/backends.ts';
import { zoneByTag } from '../../layers/network/equivalence/tuples.ts';
import { networkModel } from '../../layers/network/model.ts';
import { OPNSENSE_CONFIG } from '../../layers/network/opnsense/backend.ts';
import { PFSENSE_CONFIG } from '../../layers/network/pfsense/backend.ts';
import { VYOS_SCRIPT } from '../../layers/network/vyos/backend.ts';
import { vyosInterfaces } from '../../layers/network/vyos/render.ts';
import { loadProject } from '../../project/load.ts';
import { FIREWALL_API_SECRET, FIREWALL_SSH_SECRET, parseApiKeyPair } from '../../secrets/catalog.ts';
import { loadIdentity } from '../../secrets/identity.ts';
import { SecretStore } from '../../secrets/store.ts';
import type { Site } from '../../site/types.ts';
import { gitIn, identityArgs, repositoryRoot, requireGit } from '../git.ts';
import { compareItems, type Drift } from './compare.ts';
import { type ConfigItem, configItems } from './config-items.ts';
import { fetchOpnsenseConfig } from './fetch.ts';
import { pfsenseItems } from './pfsense-items.ts';
import { type SshTarget, sshRun } from './ssh.ts';
import { vyosCommandLines, vyosItems } from './vyos-items.ts';

export interface DriftOptions {
  /** The firewall's API base, e.g. https://10.20.10.1; default: its address on the management VLAN. */
  url?: string;
  /** A file with the API key and secret (apikey.txt); default: the secret firewall-api-key. */
  apiKey?: string;
  /** PEM file of the certificate(s) to trust: the firewall's own, usually self-signed. */
  ca?: string;
  insecure?: boolean;
  /** pfSense and VyOS (SSH): the firewall's address (default: its gateway address on the management VLAN). */
  host?: string;
  port?: number;
  /** pfSense and VyOS: the login (default: admin on pfSense, vyos on VyOS). */
  user?: string;
  /** pfSense and VyOS: a private key file instead of the secret firewall-ssh-key. */
  identity?: string;
  /** pfSense and VyOS: the known_hosts file pinning the firewall's host key (default: KNOWN_HOSTS_PATH). */
  knownHosts?: string;
  /** Write the live items to the export file (EXPORT_PATHS) and commit them. */
  export?: boolean;
  json?: boolean;
}

export interface DriftResult {
  /** Where the configuration came from: the API's URL, or ssh://user@host:port. */
  url: string;
  drifts: Drift[];
  exported?: string;
}

/** Where --export keeps the live items (beside the rendered config.xml, never replacing it). */
export const EXPORT_PATH = 'network/opnsense/export/rules.xml';
/** Where --export keeps the live items of each platform, and the name of the commit scope. */
export const EXPORT_PATHS = {
  opnsense: EXPORT_PATH,
  pfsense: 'network/pfsense/export/config.xml',
  vyos: 'network/vyos/export/commands.txt',
} as const;

/** The firewall's host key, pinned by the site (one `host keytype key` line, as ssh-keyscan prints it). */
export const KNOWN_HOSTS_PATH = 'network/known_hosts';
/**
 * pfSense keeps its whole running configuration in /conf/config.xml. The login shell of admin and root is
 * /etc/rc.initial (the console menu), which runs a remote command as `/bin/sh -c $1`, unquoted: a command with
 * a blank is split into words, and `cat /conf/config.xml` would run `cat` alone, reading nothing. Without a
 * blank the command arrives whole, and means the same to sh, tcsh and the menu.
 */
export const PFSENSE_FETCH_COMMAND = 'cat</conf/config.xml';
/**
 * VyOS's running configuration as the set commands it would take, from an SSH command without a terminal:
 * the op-mode wrapper is what VyOS's own scripts and its users' backup jobs call (`vbash -ic` needs an
 * interactive shell's profile and prints its banner; /config/config.boot is the saved, not the running, config).
 */
export const VYOS_FETCH_COMMAND = '/opt/vyatta/bin/vyatta-op-cmd-wrapper show configuration commands';

/** The firewall's address on the management VLAN (its gateway there). */
function managementAddress(site: Site, option: string): string {
  const mgmt = site.vlans.find((v) => v.purpose === 'management');
  if (!mgmt) throw new UserError(`the site has no management VLAN to reach the firewall on; pass ${option}`);
  return mgmt.gateway;
}

/** The firewall's GUI/API address: its gateway address on the management VLAN. */
function defaultUrl(site: Site): string {
  return `https://${managementAddress(site, '--url')}`;
}

async function credentials(dir: string, opts: DriftOptions): Promise<{ key: string; secret: string }> {
  if (opts.apiKey) {
    const text = await readFile(opts.apiKey, 'utf8').catch(() => {
      throw new UserError(`cannot read --api-key ${opts.apiKey}`);
    });
    const pair = parseApiKeyPair(text);
    if (!pair)
      throw new UserError(`${opts.apiKey} is not an OPNsense API key and secret`, [
        '  hint: use the apikey.txt OPNsense downloads (key=… and secret=… lines), or KEY:SECRET',
      ]);
    return pair;
  }
  const store = SecretStore.open(dir);
  if (!store.has(FIREWALL_API_SECRET))
    throw new UserError(
      `no ${FIREWALL_API_SECRET} in secrets/: Beelab needs the firewall's API key and secret`,
      [
        '  hint: create them on the firewall (System → Access → Users → API keys → +, which downloads apikey.txt),',
        `        then \`beelab secrets set ${FIREWALL_API_SECRET} --from apikey.txt\`, or pass --api-key apikey.txt`,
      ],
    );
  const pair = parseApiKeyPair(await store.read(FIREWALL_API_SECRET, await loadIdentity()));
  if (!pair)
    throw new UserError(
      `secrets/${FIREWALL_API_SECRET}.age holds a single value, but the OPNsense API needs the key and the secret OPNsense issued`,
      [
        '  hint: create them on the firewall (System → Access → Users → API keys → +, which downloads apikey.txt),',
        `        then \`beelab secrets set ${FIREWALL_API_SECRET} --from apikey.txt\``,
      ],
    );
  return pair;
}

/** The live items worth keeping, as XML: aliases, filter rules and DHCP host mappings; no users, keys or certificates. */
export function exportItems(live: string): string {
  const grab = (re: RegExp) => [...live.matchAll(re)].map((m) => m[0]);
  const firewall = [...grab(/<Alias[\s>][\s\S]*?<\/Alias>/g), ...grab(/<Filter[\s>][\s\S]*?<\/Filter>/g)];
  const hosts = grab(/<dnsmasq[\s>][\s\S]*?<\/dnsmasq>/g).flatMap((d) =>
    [...d.matchAll(/<hosts[\s>][\s\S]*?<\/hosts>/g)].map((m) => m[0]),
  );
  // The same nesting as config.xml, so the file reads with the same tools (and `beelab drift` itself).
  return [
    '<?xml version="1.0"?>',
    '<!-- Exported by `beelab drift --export` from the running firewall: its aliases, filter rules and DHCP host',
    '     mappings. Bring what you want to keep into beelab.yaml (flows:, hosts) or overrides/network/opnsense/. -->',
    '<opnsense>',
    '  <OPNsense>',
    '    <Firewall>',
    ...firewall.map((p) => `      ${p}`),
    '    </Firewall>',
    '  </OPNsense>',
    '  <dnsmasq>',
    ...hosts.map((p) => `    ${p}`),
    '  </dnsmasq>',
    '</opnsense>',
    '',
  ].join('\n');
}

export async function driftSite(
  dir: string,
  opts: DriftOptions = {},
  out: NodeJS.WritableStream = process.stdout,
): Promise<DriftResult> {
  const project = await loadProject(dir);
  const site = project.site;
  const platform = site.firewall.platform;
  if (platform !== 'opnsense' && platform !== 'pfsense' && platform !== 'vyos')
    throw new UserError(
      `beelab drift reads an OPNsense, pfSense or VyOS firewall; this site's router is ${platform}`,
      ['  hint: a Linux router runs the rendered files Ansible puts there; `beelab apply` puts them back'],
    );
  const renderedPath = { opnsense: OPNSENSE_CONFIG, pfsense: PFSENSE_CONFIG, vyos: VYOS_SCRIPT }[platform];
  // The firewall's file is the network layer's alone: its backend renders it from the policy (not the whole site).
  const rendered = firewallBackends[platform].render(networkModel(site)).get(renderedPath)?.content;
  if (typeof rendered !== 'string') throw new Error(`render produced no ${renderedPath}`);
  const zones = zoneByTag(networkModel(site).policy);
  let url: string;
  let live: string;
  let items: (text: string) => ConfigItem[];
  if (platform === 'opnsense') {
    url = opts.url ?? defaultUrl(site);
    const ca = opts.ca
      ? await readFile(opts.ca, 'utf8').catch(() => {
          throw new UserError(`cannot read --ca ${opts.ca}`);
        })
      : undefined;
    live = await fetchOpnsenseConfig(url, {
      ...(await credentials(dir, opts)),
      ...(ca ? { ca } : {}),
      ...(opts.insecure ? { insecure: true } : {}),
    });
    items = (text) => configItems(text, zones);
  } else {
    const target: SshTarget = {
      host: opts.host ?? managementAddress(site, '--host'),
      port: opts.port ?? 22,
      user: opts.user ?? (platform === 'pfsense' ? 'admin' : 'vyos'),
    };
    url = `ssh://${target.user}@${target.host}${target.port === 22 ? '' : `:${target.port}`}`;
    const command = platform === 'pfsense' ? PFSENSE_FETCH_COMMAND : VYOS_FETCH_COMMAND;
    live = await withSshKey(dir, opts, (identity, authHint) =>
      sshRun(target, command, {
        identity,
        knownHosts: resolve(dir, opts.knownHosts ?? KNOWN_HOSTS_PATH),
        authHint: authHint(platform, target.user),
      }),
    );
    if (platform === 'pfsense') {
      // rc.initial may print a line of its own first (">>> Launching rc.local …"): the file starts at its root.
      const at = live.search(/<\?xml|<pfsense[\s>]/);
      if (at > 0) live = live.slice(at);
      if (!/<pfsense[\s>]/.test(live))
        throw new UserError(`\`${command}\` on ${url} did not print a pfSense config.xml`);
      items = (text) => pfsenseItems(text, zones);
    } else {
      if (!/^set /m.test(live))
        throw new UserError(`\`${command}\` on ${url} did not print VyOS set commands`, [
          `  it printed: ${live.trim().split('\n').slice(0, 3).join(' ') || '(nothing)'}`,
        ]);
      const names = vyosNames(site);
      items = (text) => vyosItems(vyosCommandLines(text), names);
    }
  }
  let liveItems: ConfigItem[];
  try {
    liveItems = items(live);
  } catch (err) {
    throw new UserError(`${url} returned a configuration Beelab cannot read: ${(err as Error).message}`);
  }
  const drifts = compareItems(items(rendered), liveItems);
  const result: DriftResult = { url, drifts };
  if (opts.export) result.exported = await exportLive(dir, platform, site.firewall.host, live, drifts.length);
  if (opts.json) {
    out.write(`${JSON.stringify(result, null, 2)}\n`);
    return result;
  }
  if (opts.insecure) out.write(`warning: the certificate of ${url} was not verified (--insecure)\n`);
  if (drifts.length === 0)
    out.write(`No drift: ${site.firewall.host} (${url}) runs the rendered ${renderedPath}.\n`);
  else {
    out.write(
      `${drifts.length} difference(s) between the rendered ${renderedPath} and ${site.firewall.host} (${url}):\n`,
    );
    for (const d of drifts) {
      out.write(`  ${d.text}\n`);
      for (const f of d.fields) out.write(`      ${f}\n`);
    }
    if (!opts.export)
      out.write(
        '  hint: `beelab apply --only network` puts the rendered config back; `beelab drift --export` keeps the live one in the repository\n',
      );
  }
  if (result.exported)
    out.write(
      `Exported the live ${platform === 'vyos' ? 'set commands' : 'rules, aliases and host mappings'} to ${EXPORT_PATHS[platform]}${result.exported === 'written' ? '' : ` (commit ${result.exported})`}.\n` +
        `  hint: bring what you keep into beelab.yaml (flows:, hosts) or overrides/${renderedPath} (docs/overrides.md); the next render and apply enforce beelab.yaml\n`,
    );
  return result;
}

/** Zone names of the VyOS interfaces and chains, for words in the policy's terms. */
function vyosNames(site: Site) {
  const policy = networkModel(site).policy;
  const ifs = vyosInterfaces(site, policy);
  const zoneOfIface = new Map([...ifs.byZone].map(([zone, iface]) => [iface, zone]));
  zoneOfIface.set(ifs.wan, 'wan');
  return { zoneOfIface };
}

/** Runs `fn` with the private key file: --identity, or the secret decrypted into a 0600 file removed after. */
async function withSshKey<T>(
  dir: string,
  opts: DriftOptions,
  fn: (identity: string, authHint: (platform: 'pfsense' | 'vyos', user: string) => string[]) => Promise<T>,
): Promise<T> {
  const hint = (pub: string | undefined) => (platform: 'pfsense' | 'vyos', user: string) =>
    installKeyHint(platform, user, pub);
  if (opts.identity) {
    if (!existsSync(opts.identity)) throw new UserError(`cannot read --identity ${opts.identity}`);
    return fn(opts.identity, hint(await publicKeyOf(opts.identity)));
  }
  const store = SecretStore.open(dir);
  if (!store.has(FIREWALL_SSH_SECRET))
    throw new UserError(`no ${FIREWALL_SSH_SECRET} in secrets/: Beelab needs its SSH key for the firewall`, [
      '  hint: `beelab apply` generates it (ssh-keygen, Ed25519) and `beelab drift` then prints its public key to',
      '        install on the firewall; or pass --identity FILE with a key the firewall already accepts',
    ]);
  const key = await store.read(FIREWALL_SSH_SECRET, await loadIdentity());
  const tmp = await mkdtemp(join(tmpdir(), 'beelab-ssh-'));
  try {
    await chmod(tmp, 0o700);
    const file = join(tmp, 'id_ed25519');
    await writeFile(file, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600, flag: 'wx' });
    return await fn(file, hint(await publicKeyOf(file)));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The public half of a private key file (ssh-keygen -y), or undefined. */
async function publicKeyOf(file: string): Promise<string | undefined> {
  const r = await execa('ssh-keygen', ['-y', '-f', file], { reject: false, stdin: 'ignore' }).catch(
    () => undefined,
  );
  return r?.exitCode === 0 ? String(r.stdout).trim() : undefined;
}

/** Where the public key goes on each platform. */
function installKeyHint(platform: 'pfsense' | 'vyos', user: string, pub: string | undefined): string[] {
  const key = pub ?? '<the public key: ssh-keygen -y -f KEYFILE>';
  if (platform === 'pfsense')
    return [
      `  hint: on pfSense, System → User Manager → ${user} → Authorized SSH Keys: paste`,
      `        ${key}`,
      '        and enable SSH (System → Advanced → Admin Access → Secure Shell, "Public Key Only")',
    ];
  const [type, body] = key.split(' ');
  return [
    `  hint: on VyOS, in configuration mode:`,
    `        set system login user ${user} authentication public-keys beelab-drift type '${type}'`,
    `        set system login user ${user} authentication public-keys beelab-drift key '${body ?? '…'}'`,
    '        commit; save',
  ];
}

/** Writes the export and commits it as `<platform>: export <file> …` when the site is in git; the hash or `written`. */
async function exportLive(
  dir: string,
  platform: keyof typeof EXPORT_PATHS,
  host: string,
  live: string,
  count: number,
): Promise<string> {
  const path = EXPORT_PATHS[platform];
  const file = join(dir, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    platform === 'opnsense'
      ? exportItems(live)
      : platform === 'pfsense'
        ? exportPfsense(live)
        : exportVyos(live),
  );
  const executable = requireGit();
  const root = await repositoryRoot(dir, executable);
  if (!root) return 'written';
  const git = gitIn(dir, executable);
  await git.run(['add', '--', path]);
  if ((await git.tryRun(['diff', '--cached', '--quiet', '--', path])) !== undefined) return 'written';
  const subject = `${platform}: export ${basename(path)} from ${host} (${count === 0 ? 'no drift' : `${count} difference(s) from beelab.yaml`})`;
  await git.run(
    [...(await identityArgs(git)), 'commit', '--quiet', '--no-verify', '--file=-', '--only', '--', path],
    { input: `${subject}\n` },
  );
  return (await git.run(['rev-parse', '--short', 'HEAD'])).trim();
}

/** pfSense sections drift compares, as XML; never <system> (users, password hashes), <cert> or <ca> keys. */
export function exportPfsense(live: string): string {
  const sections = ['interfaces', 'vlans', 'aliases', 'nat', 'filter', 'dhcpd', 'unbound'];
  const grab = (name: string) =>
    new RegExp(`<${name}(?:\\s[^>]*)?>[\\s\\S]*?</${name}>|<${name}\\s*/>`).exec(live)?.[0];
  return [
    '<?xml version="1.0"?>',
    '<!-- Exported by `beelab drift --export` from the running firewall: its interfaces, VLANs, aliases, NAT,',
    '     filter rules, DHCP and DNS resolver. Bring what you want to keep into beelab.yaml (flows:, hosts) or',
    '     overrides/network/pfsense/config.xml. -->',
    '<pfsense>',
    ...sections.flatMap((n) => {
      const part = grab(n);
      return part ? [`  ${part}`] : [];
    }),
    '</pfsense>',
    '',
  ].join('\n');
}

/** The live set commands drift compares (no logins, keys or hashes), one a line. */
export function exportVyos(live: string): string {
  return [
    '# Exported by `beelab drift --export` from the running VyOS router: the set commands Beelab renders the',
    '# subtrees of (firewall, nat, interfaces, DHCP, DNS forwarding, NTP, host name). Bring what you want to keep',
    '# into beelab.yaml (flows:, hosts) or overrides/network/vyos/configure.vbash.',
    ...vyosCommandLines(live, { ownedOnly: true }),
    '',
  ].join('\n');
}
