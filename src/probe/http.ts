// HTTP(S) health probe: one request, the status compared with what the service answers when healthy.
import http from 'node:http';
import https from 'node:https';
import type { HttpProbe, ProbeOptions, ProbeResult } from './types.ts';

export function statusAccepted(status: number, expect: readonly number[] | undefined): boolean {
  return expect && expect.length > 0 ? expect.includes(status) : status >= 200 && status < 400;
}

export function probeHttp(spec: HttpProbe, opts: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(spec.url);
    } catch {
      resolve({ state: 'down', ms: 0, detail: `invalid URL ${spec.url}` });
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    let done = false;
    const finish = (state: 'up' | 'down', detail: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ state, ms: performance.now() - started, detail });
    };
    // One deadline for connect + headers; the body is drained, not awaited.
    const timer = setTimeout(() => finish('down', 'timeout'), opts.timeoutMs);
    const req = lib.request(
      url,
      {
        method: spec.method ?? 'GET',
        agent: false,
        headers: { 'user-agent': 'beelab-probe', connection: 'close', ...spec.headers },
        rejectUnauthorized: !spec.insecure,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        const ok = statusAccepted(status, spec.expectStatus);
        finish(ok ? 'up' : 'down', ok ? `HTTP ${status}` : `HTTP ${status} (expected ${expected(spec)})`);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => finish('down', err.code ?? err.message));
    req.end();
  });
}

function expected(spec: HttpProbe): string {
  return spec.expectStatus?.length ? spec.expectStatus.join('|') : '2xx/3xx';
}
