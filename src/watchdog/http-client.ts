// A minimal HTTP client on node:http(s) for drivers, restart calls and alerts: one deadline, body as text.
import http from 'node:http';
import https from 'node:https';

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Accept self-signed certificates (PiKVM, lab appliances). */
  insecure?: boolean;
}

export interface HttpResponse {
  status: number;
  body: string;
  /** The WWW-Authenticate header of a 401, for digest authentication. */
  challenge?: string;
}

/** Injectable transport: drivers and alerts take one of these, tests may pass a recording one. */
export type HttpClient = (req: HttpRequest) => Promise<HttpResponse>;

const MAX_BODY = 64 * 1024;

export const httpRequest: HttpClient = (req) =>
  new Promise((resolve, reject) => {
    const url = new URL(req.url);
    const lib = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = {
      'user-agent': 'beelab-watchdog',
      connection: 'close',
      ...req.headers,
    };
    // Credentials in the URL become Basic auth (Shelly Gen1, Tasmota web auth).
    if (url.username) {
      const cred = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      headers.authorization = `Basic ${Buffer.from(cred).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const timer = setTimeout(() => {
      r.destroy(new Error(`timeout after ${req.timeoutMs} ms`));
    }, req.timeoutMs);
    const r = lib.request(
      url,
      { method: req.method ?? 'GET', headers, agent: false, rejectUnauthorized: !req.insecure },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        res.on('end', () => {
          clearTimeout(timer);
          const challenge = res.headers['www-authenticate'];
          resolve({
            status: res.statusCode ?? 0,
            body,
            ...(challenge ? { challenge: String(challenge) } : {}),
          });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      },
    );
    r.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    r.end(req.body);
  });

/** Throws unless the status is 2xx (or one of `expect`); returns the parsed JSON body when it is JSON. */
export async function expectOk(client: HttpClient, req: HttpRequest, expect?: number[]): Promise<unknown> {
  const res = await client(req);
  const ok = expect?.length ? expect.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!ok)
    throw new Error(
      `${req.method ?? 'GET'} ${redact(req.url)} answered HTTP ${res.status}: ${res.body.slice(0, 200)}`,
    );
  try {
    return JSON.parse(res.body);
  } catch {
    return res.body;
  }
}

/** URL without credentials, for logs and errors. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of ['password', 'token']) if (u.searchParams.has(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return url;
  }
}
