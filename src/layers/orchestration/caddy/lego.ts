// ACME DNS-01 for the Compose proxy (site.acme): lego, Debian's ACME client, obtains one certificate per proxied
// name into /etc/lego and renews it from a systemd timer; Caddy serves the files (see caddyfile.ts). Debian's
// Caddy has no DNS provider module, so Caddy cannot solve DNS-01 itself.
import { ACME_DNS_PROVIDERS, ACME_SERVERS } from '../../../catalog/acme.ts';
import type { Site } from '../../../site/types.ts';
import { commentLines, GENERATED_NOTICE } from '../../../tree/serialize/index.ts';
import { LEGO_PATH } from './caddyfile.ts';

/** Where Debian's lego package installs the binary. */
export const LEGO_BIN = '/usr/bin/lego';
/** The renewal units on each compose host that proxies apps, and their place in the site repository. */
export const LEGO_RENEW_UNIT = 'beelab-lego-renew';
export const legoUnitPath = (host: string, kind: 'service' | 'timer') =>
  `compose/${host}/${LEGO_RENEW_UNIT}.${kind}`;
/** The environment file of the renewal service on the host: the DNS provider's token, readable by root only. */
export const LEGO_ENV_FILE = `${LEGO_PATH}/dns.env`;
/** Renew when fewer days than this are left (Let's Encrypt issues for 90). */
export const LEGO_RENEW_DAYS = 30;

type Acme = NonNullable<Site['acme']>;

/** lego's global options for one name: account, CA, DNS provider, the name, the storage directory. */
function legoGlobals(acme: Acme, fqdn: string): string[] {
  return [
    '--accept-tos',
    '--email',
    acme.email,
    '--server',
    ACME_SERVERS[acme.server],
    '--dns',
    acme.dnsProvider,
    '--domains',
    fqdn,
    '--path',
    LEGO_PATH,
  ];
}

/** `lego … run`: register the account (once) and obtain the name's certificate. */
export function legoRunArgs(acme: Acme, fqdn: string): string[] {
  return [...legoGlobals(acme, fqdn), 'run'];
}

/** `lego … renew --days 30`: renew the name's certificate when it is due, else nothing. */
export function legoRenewArgs(acme: Acme, fqdn: string): string[] {
  return [...legoGlobals(acme, fqdn), 'renew', '--days', String(LEGO_RENEW_DAYS)];
}

/** The variable lego reads the provider's token from. */
export function legoTokenVar(acme: Acme): string {
  return ACME_DNS_PROVIDERS[acme.dnsProvider].tokenVar;
}

/**
 * The renewal service: each name's renewal, then the files made readable to Caddy (group caddy; lego writes
 * them 0600) and Caddy reloaded so it loads any new certificate.
 */
export function renderLegoService(site: Site, acme: Acme, names: string[]): string {
  return `${commentLines(
    `${GENERATED_NOTICE}\n\nRenews the proxy's certificates from Let's Encrypt (ACME DNS-01 at ${acme.dnsProvider}); run by ${LEGO_RENEW_UNIT}.timer.`,
    '#',
  )}[Unit]
Description=Renew the proxy's certificates of ${site.domain} (lego, ACME DNS-01 at ${acme.dnsProvider})
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
EnvironmentFile=${LEGO_ENV_FILE}
${names.map((n) => `ExecStart=${LEGO_BIN} ${legoRenewArgs(acme, n).map(unitWord).join(' ')}`).join('\n')}
ExecStartPost=/usr/bin/chgrp -R caddy ${LEGO_PATH}/certificates
ExecStartPost=/usr/bin/chmod -R g+rX ${LEGO_PATH}/certificates
ExecStartPost=/usr/bin/systemctl reload caddy
`;
}

/** An argument in a unit's command line: `%` is a specifier there (an e-mail address may hold one). */
const unitWord = (s: string) => s.replaceAll('%', '%%');

/**
 * The caddy role's variable `caddy_acme` (empty without ACME): the provider's token variable and, per compose
 * host, each name with the `lego … run` arguments that obtain its certificate.
 */
export function caddyAcmeVars(site: Site, namesByHost: Map<string, string[]>): Record<string, unknown> {
  const acme = site.acme;
  if (!acme) return {};
  return {
    provider: acme.dnsProvider,
    token_var: legoTokenVar(acme),
    certificates: Object.fromEntries(
      [...namesByHost].map(([host, names]) => [
        host,
        names.map((name) => ({ name, run: legoRunArgs(acme, name) })),
      ]),
    ),
  };
}

/** Twice a day, spread over an hour so the CA does not see every client at once; caught up after downtime. */
export function renderLegoTimer(site: Site): string {
  return `${commentLines(`${GENERATED_NOTICE}\n\nChecks the proxy's certificates twice a day.`, '#')}[Unit]
Description=Renew the proxy's certificates of ${site.domain} twice a day

[Timer]
OnCalendar=*-*-* 00,12:00:00
RandomizedDelaySec=1h
Persistent=true

[Install]
WantedBy=timers.target
`;
}
