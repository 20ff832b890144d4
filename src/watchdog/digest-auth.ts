// HTTP Digest authentication (RFC 7616, SHA-256 or MD5), as Shelly Gen2+ devices require once a password is set.
import { createHash, randomBytes } from 'node:crypto';
import type { HttpClient } from './http-client.ts';

/** Parses `Digest realm="x", nonce="y", qop="auth", algorithm=SHA-256`. */
export function parseChallenge(header: string): Record<string, string> | undefined {
  if (!/^Digest\s/i.test(header)) return undefined;
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g))
    out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

/** The Authorization header answering `challenge` for one request. */
export function digestHeader(
  challenge: Record<string, string>,
  req: { method: string; uri: string; username: string; password: string; cnonce?: string; nc?: number },
): string {
  const algorithm = (challenge.algorithm ?? 'MD5').toUpperCase();
  const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const h = (s: string) => createHash(hashName).update(s).digest('hex');
  const nc = (req.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = req.cnonce ?? randomBytes(8).toString('hex');
  const ha1 = h(`${req.username}:${challenge.realm}:${req.password}`);
  const ha2 = h(`${req.method}:${req.uri}`);
  const qop = challenge.qop
    ?.split(',')
    .map((q) => q.trim())
    .includes('auth')
    ? 'auth'
    : undefined;
  const response = qop
    ? h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : h(`${ha1}:${challenge.nonce}:${ha2}`);
  const parts = [
    `username="${req.username}"`,
    `realm="${challenge.realm}"`,
    `nonce="${challenge.nonce}"`,
    `uri="${req.uri}"`,
    `algorithm=${algorithm}`,
    `response="${response}"`,
    ...(qop ? [`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`] : []),
    ...(challenge.opaque ? [`opaque="${challenge.opaque}"`] : []),
  ];
  return `Digest ${parts.join(', ')}`;
}

/** Wraps a client: a 401 with a Digest challenge is answered once with credentials. */
export function withDigestAuth(client: HttpClient, username: string, password: string): HttpClient {
  return async (req) => {
    const first = await client(req);
    const challenge = first.status === 401 ? parseChallenge(first.challenge ?? '') : undefined;
    if (!challenge) return first;
    const url = new URL(req.url);
    const authorization = digestHeader(challenge, {
      method: req.method ?? 'GET',
      uri: `${url.pathname}${url.search}`,
      username,
      password,
    });
    return client({ ...req, headers: { ...req.headers, authorization } });
  };
}
