// blackbox.yml: exactly the probe modules the scrape jobs name (blackboxModules), each read from its name:
// `icmp`, `tcp_connect`, `http_<code>`, `https_<code>` (certificate verified) and `https_insecure_<code>`
// (a health URL by address, whose certificate names the host, not the address).
import { blackboxModules, type ScrapeJob } from './scrape-jobs.ts';

export const BLACKBOX_FILE = 'monitoring/blackbox/blackbox.yml';
/** Below the scrape timeout (10 s), so a slow target is a failed probe, not a failed scrape. */
const TIMEOUT = '5s';

function httpModule(name: string): Record<string, unknown> | undefined {
  const m = /^(http|https|https_insecure)_(2xx|\d{3})$/.exec(name);
  if (!m) return undefined;
  const [, kind, code] = m;
  return {
    prober: 'http',
    timeout: TIMEOUT,
    http: {
      // Empty means any 2xx; a health URL that answers 401 without credentials is up when it says 401.
      ...(code !== '2xx' ? { valid_status_codes: [Number(code)] } : {}),
      preferred_ip_protocol: 'ip4',
      ...(kind !== 'http' ? { fail_if_not_ssl: true } : {}),
      ...(kind === 'https_insecure' ? { tls_config: { insecure_skip_verify: true } } : {}),
    },
  };
}

function probeModule(name: string): Record<string, unknown> {
  if (name === 'icmp') return { prober: 'icmp', timeout: TIMEOUT, icmp: { preferred_ip_protocol: 'ip4' } };
  if (name === 'tcp_connect')
    return { prober: 'tcp', timeout: TIMEOUT, tcp: { preferred_ip_protocol: 'ip4' } };
  const http = httpModule(name);
  if (!http)
    throw new Error(
      `blackbox module ${name}: no definition (scrape-jobs.ts names a module this file does not know)`,
    );
  return http;
}

/** The blackbox.yml object, or undefined when no job probes. */
export function blackboxConfig(jobs: readonly ScrapeJob[]): Record<string, unknown> | undefined {
  const names = blackboxModules(jobs);
  if (names.length === 0) return undefined;
  return { modules: Object.fromEntries(names.map((n) => [n, probeModule(n)])) };
}
