// TCP connect probe: up when the three-way handshake completes before the deadline.
import net from 'node:net';
import type { ProbeOptions, ProbeResult, TcpProbe } from './types.ts';

export function probeTcp(spec: TcpProbe, opts: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: spec.host, port: spec.port });
    const finish = (state: 'up' | 'down', detail: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ state, ms: performance.now() - started, detail });
    };
    const timer = setTimeout(() => finish('down', 'timeout'), opts.timeoutMs);
    socket.once('connect', () => finish('up', 'connected'));
    socket.once('error', (err: NodeJS.ErrnoException) => finish('down', err.code ?? err.message));
  });
}
