// TLS certificate probe: handshake, read the leaf certificate, report days until it expires.
import net from 'node:net';
import tls from 'node:tls';
import type { ProbeOptions, ProbeResult, TlsProbe } from './types.ts';

const DAY_MS = 86_400_000;

export function probeTls(spec: TlsProbe, opts: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const now = opts.now ?? Date.now;
  const warnDays = spec.warnDays ?? 14;
  const servername = spec.servername ?? (net.isIP(spec.host) ? undefined : spec.host);
  return new Promise((resolve) => {
    // Expiry is what we measure, so an untrusted chain is read and reported rather than refused.
    const socket = tls.connect({ host: spec.host, port: spec.port, servername, rejectUnauthorized: false });
    const finish = (result: Omit<ProbeResult, 'ms'>) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...result, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish({ state: 'down', detail: 'timeout' }), opts.timeoutMs);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      if (!cert?.valid_to) return finish({ state: 'down', detail: 'no certificate' });
      const expires = new Date(cert.valid_to).getTime();
      const days = Math.floor((expires - now()) / DAY_MS);
      const date = new Date(expires).toISOString().slice(0, 10);
      const trust = socket.authorized ? '' : ` (untrusted: ${String(socket.authorizationError)})`;
      if (expires <= now()) return finish({ state: 'down', detail: `certificate expired ${date}${trust}` });
      finish({ state: days < warnDays ? 'warn' : 'up', detail: `expires in ${days} d (${date})${trust}` });
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({ state: 'down', detail: err.code ?? err.message }),
    );
  });
}
