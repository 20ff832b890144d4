// Downloads the running configuration from the OPNsense API (core backup controller, provider `this`),
// authenticated with the API key and secret; plain HTTP only to a loopback address (a local stand-in).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { UserError } from '../../errors.ts';

export const BACKUP_PATH = '/api/core/backup/download/this';

export interface FetchOptions {
  key: string;
  secret: string;
  /** PEM certificate(s) to trust (the firewall's own, usually self-signed). */
  ca?: string;
  /** Accept any certificate (told loudly by the caller). */
  insecure?: boolean;
  timeoutMs?: number;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

export async function fetchOpnsenseConfig(base: string, opts: FetchOptions): Promise<string> {
  let url: URL;
  try {
    url = new URL(BACKUP_PATH, base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new UserError(`${base} is not a URL`, ['  hint: e.g. --url https://10.20.10.1']);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    throw new UserError(`refusing to send the firewall API key over plain http to ${url.host}`, [
      '  hint: use https:// (the OPNsense GUI and API listen there); plain http is only for a loopback stand-in',
    ]);
  const auth = Buffer.from(`${opts.key}:${opts.secret}`).toString('base64');
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: { authorization: `Basic ${auth}`, accept: 'application/xml, text/xml, */*' },
        timeout: opts.timeoutMs ?? 30_000,
        ...(url.protocol === 'https:' ? { ca: opts.ca, rejectUnauthorized: !opts.insecure } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 401 || res.statusCode === 403)
            return reject(
              new UserError(`the firewall refused the API key (HTTP ${res.statusCode}) at ${url.origin}`, [
                '  hint: the key\'s user needs the privilege "Diagnostics: Configuration History" (System → Access → Users)',
              ]),
            );
          if (res.statusCode !== 200)
            return reject(
              new UserError(`${url.href} answered HTTP ${res.statusCode}: ${body.slice(0, 200)}`),
            );
          if (!body.includes('<opnsense>') && !body.includes('<opnsense '))
            return reject(new UserError(`${url.href} did not return an OPNsense config.xml`));
          resolve(body);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) =>
      reject(
        new UserError(`cannot download the configuration from ${url.origin}: ${err.message}`, [
          '  hint: is the firewall reachable from here (management VLAN)? Its certificate: --ca FILE, or --insecure',
        ]),
      ),
    );
    req.end();
  });
}
