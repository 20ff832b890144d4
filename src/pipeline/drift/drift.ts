// `beelab drift [dir]`: downloads the running firewall's configuration and reports, rule by rule and host
// mapping by host mapping, what differs from the rendered one; --export keeps the live items in the repository.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../../errors.ts';
import { zoneByTag } from '../../layers/network/equivalence/tuples.ts';
import { networkModel } from '../../layers/network/model.ts';
import { OPNSENSE_CONFIG } from '../../layers/network/opnsense/backend.ts';
import { loadProject } from '../../project/load.ts';
import { renderSite } from '../../project/render-site.ts';
import { FIREWALL_API_SECRET, parseApiKeyPair } from '../../secrets/catalog.ts';
import { loadIdentity } from '../../secrets/identity.ts';
import { SecretStore } from '../../secrets/store.ts';
import type { Site } from '../../site/types.ts';
import { gitIn, identityArgs, repositoryRoot, requireGit } from '../git.ts';
import { compareItems, type Drift } from './compare.ts';
import { configItems } from './config-items.ts';
import { fetchOpnsenseConfig } from './fetch.ts';

export interface DriftOptions {
  /** The firewall's API base, e.g. https://10.20.10.1; default: its address on the management VLAN. */
  url?: string;
  /** A file with the API key and secret (apikey.txt); default: the secret firewall-api-key. */
  apiKey?: string;
  /** PEM file of the certificate(s) to trust: the firewall's own, usually self-signed. */
  ca?: string;
  insecure?: boolean;
  /** Write the live rules, aliases and host mappings to EXPORT_PATH and commit them. */
  export?: boolean;
  json?: boolean;
}

export interface DriftResult {
  url: string;
  drifts: Drift[];
  exported?: string;
}

/** Where --export keeps the live items (beside the rendered config.xml, never replacing it). */
export const EXPORT_PATH = 'network/opnsense/export/rules.xml';

/** The firewall's GUI/API address: its gateway address on the management VLAN. */
function defaultUrl(site: Site): string {
  const mgmt = site.vlans.find((v) => v.purpose === 'management');
  if (!mgmt) throw new UserError('the site has no management VLAN to reach the firewall on; pass --url');
  return `https://${mgmt.gateway}`;
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
  if (site.firewall.platform !== 'opnsense')
    throw new UserError(
      `beelab drift reads OPNsense through its API; this site's firewall is ${site.firewall.platform}`,
      ['  hint: compare pfSense (/conf/config.xml) or VyOS (show configuration commands) by hand for now'],
    );
  const rendered = renderSite(site).get(OPNSENSE_CONFIG)?.content;
  if (typeof rendered !== 'string') throw new Error(`render produced no ${OPNSENSE_CONFIG}`);
  const url = opts.url ?? defaultUrl(site);
  const ca = opts.ca
    ? await readFile(opts.ca, 'utf8').catch(() => {
        throw new UserError(`cannot read --ca ${opts.ca}`);
      })
    : undefined;
  const live = await fetchOpnsenseConfig(url, {
    ...(await credentials(dir, opts)),
    ...(ca ? { ca } : {}),
    ...(opts.insecure ? { insecure: true } : {}),
  });
  const zones = zoneByTag(networkModel(site).policy);
  let liveItems: ReturnType<typeof configItems>;
  try {
    liveItems = configItems(live, zones);
  } catch (err) {
    throw new UserError(`${url} returned a config.xml Beelab cannot read: ${(err as Error).message}`);
  }
  const drifts = compareItems(configItems(rendered, zones), liveItems);
  const result: DriftResult = { url, drifts };
  if (opts.export) result.exported = await exportLive(dir, site.firewall.host, live, drifts.length);
  if (opts.json) {
    out.write(`${JSON.stringify(result, null, 2)}\n`);
    return result;
  }
  if (opts.insecure) out.write(`warning: the certificate of ${url} was not verified (--insecure)\n`);
  if (drifts.length === 0)
    out.write(`No drift: ${site.firewall.host} (${url}) runs the rendered ${OPNSENSE_CONFIG}.\n`);
  else {
    out.write(
      `${drifts.length} difference(s) between the rendered ${OPNSENSE_CONFIG} and ${site.firewall.host} (${url}):\n`,
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
      `Exported the live rules, aliases and host mappings to ${EXPORT_PATH}${result.exported === 'written' ? '' : ` (commit ${result.exported})`}.\n` +
        '  hint: bring what you keep into beelab.yaml (flows:, hosts) or overrides/network/opnsense/config.xml (docs/overrides.md); the next render and apply enforce beelab.yaml\n',
    );
  return result;
}

/** Writes the export and commits it as `opnsense: export rules.xml …` when the site is in git; the hash or `written`. */
async function exportLive(dir: string, host: string, live: string, count: number): Promise<string> {
  const file = join(dir, EXPORT_PATH);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, exportItems(live));
  const executable = requireGit();
  const root = await repositoryRoot(dir, executable);
  if (!root) return 'written';
  const git = gitIn(dir, executable);
  await git.run(['add', '--', EXPORT_PATH]);
  if ((await git.tryRun(['diff', '--cached', '--quiet', '--', EXPORT_PATH])) !== undefined) return 'written';
  const subject = `opnsense: export rules.xml from ${host} (${count === 0 ? 'no drift' : `${count} difference(s) from beelab.yaml`})`;
  await git.run(
    [
      ...(await identityArgs(git)),
      'commit',
      '--quiet',
      '--no-verify',
      '--file=-',
      '--only',
      '--',
      EXPORT_PATH,
    ],
    {
      input: `${subject}\n`,
    },
  );
  return (await git.run(['rev-parse', '--short', 'HEAD'])).trim();
}
