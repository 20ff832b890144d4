// ACME DNS-01 for the Compose proxy: the DNS providers Beelab offers, as Debian 12's lego 4.9 names them
// (`lego dnshelp -c <code>`), each with the one environment variable that holds its API token.

/** A lego DNS provider code and the variable lego reads the provider's token from. */
export const ACME_DNS_PROVIDERS = {
  cloudflare: { tokenVar: 'CF_DNS_API_TOKEN', token: 'an API token with Zone → DNS → Edit on the zone' },
  hetzner: { tokenVar: 'HETZNER_API_KEY', token: 'a DNS Console API token' },
  digitalocean: { tokenVar: 'DO_AUTH_TOKEN', token: 'a personal access token with write scope' },
  desec: { tokenVar: 'DESEC_TOKEN', token: 'a deSEC domain token' },
  gandiv5: { tokenVar: 'GANDIV5_API_KEY', token: 'a Gandi LiveDNS API key' },
  linode: { tokenVar: 'LINODE_TOKEN', token: 'a personal access token with Domains read/write' },
  duckdns: { tokenVar: 'DUCKDNS_TOKEN', token: 'the account token' },
} as const;

export type AcmeDnsProvider = keyof typeof ACME_DNS_PROVIDERS;
export const ACME_DNS_PROVIDER_CODES = Object.keys(ACME_DNS_PROVIDERS) as [
  AcmeDnsProvider,
  ...AcmeDnsProvider[],
];

/** The ACME directories: Let's Encrypt production (the default) and staging (untrusted certificates, high limits). */
export const ACME_SERVERS = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;
export type AcmeServer = keyof typeof ACME_SERVERS;

/** The issued secret that holds the DNS provider's API token. */
export const ACME_DNS_TOKEN_SECRET = 'acme-dns-token';
