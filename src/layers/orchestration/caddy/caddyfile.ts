// The Caddyfile of each compose host: every app on it as https://<subdomain>.<domain>, proxied to the port the
// app publishes on the host's address, with TLS from Caddy's internal CA (its root exported for the admin), or
// with site.acme from the Let's Encrypt certificates lego obtains by DNS-01 (lego.ts).
import type { Site } from '../../../site/types.ts';
import { commentLines, GENERATED_NOTICE } from '../../../tree/serialize/index.ts';
import { type ComposeApp, composeApps } from '../compose/apps.ts';

/** `compose/<host>/Caddyfile`: the proxy's config beside the host's app projects. */
export function caddyfilePath(host: string): string {
  return `compose/${host}/Caddyfile`;
}

/** Where the Debian package's Caddy (user caddy, home /var/lib/caddy) keeps its internal CA's root certificate. */
export const CADDY_ROOT_CERT = '/var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt';

/** Where lego (`--path /etc/lego`) writes the certificate and key of a name it obtained. */
export const LEGO_PATH = '/etc/lego';
export function legoCertFiles(fqdn: string): { crt: string; key: string } {
  return {
    crt: `${LEGO_PATH}/certificates/${fqdn}.crt`,
    key: `${LEGO_PATH}/certificates/${fqdn}.key`,
  };
}

/** The name of the internal CA, as the admin sees it when trusting its root. */
export function caddyCaName(site: Site): string {
  return `Beelab ${site.name} CA`;
}

/** The compose apps grouped by the host that runs them (and its proxy), in Site order. */
export function proxiedByHost(site: Site): Map<string, ComposeApp[]> {
  const out = new Map<string, ComposeApp[]>();
  for (const a of composeApps(site)) {
    if (!a.service.proxied) continue;
    out.set(a.host.name, [...(out.get(a.host.name) ?? []), a]);
  }
  return out;
}

/** The upstream of one app: the web port it publishes on its host's address. */
export function upstreamOf(a: ComposeApp): string {
  const port = a.app.ports.find((p) => p.name === a.app.web)!;
  return `${a.host.address}:${port.port}`;
}

/** The Caddyfile text, formatted as `caddy fmt` writes it (tabs), so `caddy validate` has nothing to warn about. */
export function renderCaddyfile(site: Site, host: string, apps: ComposeApp[]): string {
  const header = commentLines(
    [
      GENERATED_NOTICE,
      '',
      `The reverse proxy on ${host}: each app as https://<subdomain>.${site.domain}.`,
      ...(site.acme
        ? [
            `TLS: a certificate per name from Let's Encrypt${site.acme.server === 'staging' ? ' (staging)' : ''} by ACME DNS-01 at ${site.acme.dnsProvider},`,
            `obtained and renewed by lego in ${LEGO_PATH} (see docs/orchestration.md).`,
          ]
        : [
            `TLS: Caddy's internal CA "${caddyCaName(site)}"; its root certificate is exported for the admin to trust`,
            `(${CADDY_ROOT_CERT}, fetched by \`beelab apply\`; see docs/apps.md).`,
          ]),
    ].join('\n'),
    '#',
  );
  // With ACME the certificates are lego's files (Caddy manages no certificate it was given). Let's Encrypt no
  // longer runs OCSP responders (2025), so there is no response to staple.
  const global = site.acme
    ? ['{', '\tocsp_stapling off', '}']
    : [
        '{',
        // The root goes to the admin's devices, not into this host's trust store (the service user may not write it).
        '\tskip_install_trust',
        '\tpki {',
        '\t\tca local {',
        `\t\t\tname "${caddyCaName(site)}"`,
        '\t\t}',
        '\t}',
        '}',
      ];
  const sites = apps.map((a) =>
    [
      `# ${a.app.name}: ${a.app.description}`,
      `${a.service.fqdn} {`,
      site.acme
        ? `\ttls ${legoCertFiles(a.service.fqdn!).crt} ${legoCertFiles(a.service.fqdn!).key}`
        : '\ttls internal',
      `\treverse_proxy ${upstreamOf(a)}`,
      '}',
    ].join('\n'),
  );
  return `${header}${[global.join('\n'), ...sites].join('\n\n')}\n`;
}
