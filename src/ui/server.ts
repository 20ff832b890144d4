// The dashboard's HTTP server: the page, the model as JSON, the diagrams and runbooks from the rendered
// files, and live status as server-sent events. A factory, bound by the caller; nothing is fetched from
// outside (no CDN), so it works offline.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LiveStatus } from './live.ts';
import type { DashboardModel } from './model.ts';
import { PAGE } from './page.ts';

export interface UiServerDeps {
  model: DashboardModel;
  /** A rendered file by its repository path (diagrams, runbooks, docs), or undefined. */
  file(path: string): string | undefined;
  live: LiveStatus;
}

const TYPES: Record<string, string> = {
  svg: 'image/svg+xml; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};

/** Only what the dashboard links to is served: the diagrams and the docs (runbooks, failure modes). */
const SERVED = /^docs\/(?:[a-z0-9-]+\/)?[a-z0-9.-]+\.(svg|md)$/;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    // Nothing but this origin, so a page that looks like ours cannot load anything from elsewhere.
    'content-security-policy':
      "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:",
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/** A request for another name than the one we listen on is refused (DNS rebinding). */
function hostAllowed(req: IncomingMessage): boolean {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

export function createUiServer(deps: UiServerDeps): Server {
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (!hostAllowed(req)) return send(res, 403, 'text/plain', 'Host not allowed\n');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n');
    if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', PAGE);
    if (url.pathname === '/api/model') return send(res, 200, 'application/json', JSON.stringify(deps.model));
    if (url.pathname === '/api/status')
      return send(res, 200, 'application/json', JSON.stringify(deps.live.snapshot()));
    if (url.pathname.startsWith('/files/')) {
      const path = decodeURIComponent(url.pathname.slice('/files/'.length));
      const m = SERVED.exec(path);
      const body = m ? deps.file(path) : undefined;
      if (!m || body === undefined)
        return send(res, 404, 'text/plain', `${path} is not a file of this site\n`);
      return send(res, 200, TYPES[m[1]!]!, body);
    }
    if (url.pathname === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      const push = (s: unknown) => res.write(`event: status\ndata: ${JSON.stringify(s)}\n\n`);
      push(deps.live.snapshot());
      const off = deps.live.subscribe(push);
      streams.add(res);
      req.on('close', () => {
        off();
        streams.delete(res);
      });
      return;
    }
    send(res, 404, 'text/plain', 'not found\n');
  });
  // Open event streams would keep close() waiting forever.
  server.on('close', () => {
    for (const s of streams) s.end();
  });
  const close = server.close.bind(server);
  server.close = (cb?: (err?: Error) => void) => {
    for (const s of streams) s.end();
    return close(cb);
  };
  return server;
}
