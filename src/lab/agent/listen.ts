// The agent's listeners: TCP and UDP echo servers that answer with the address they saw the client at.
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { Listener } from './protocol.ts';

/** Closes everything it opened. */
export interface Listening {
  errors: string[];
  count: number;
  close(): void;
}

function tcp(l: Listener): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((sock) => {
      let buf = '';
      sock.setTimeout(5000, () => sock.destroy());
      sock.on('error', () => sock.destroy());
      sock.on('data', (d) => {
        buf += d.toString('utf8');
        const nl = buf.indexOf('\n');
        if (nl >= 0) sock.end(`${buf.slice(0, nl)} ${sock.remoteAddress}\n`);
      });
    });
    server.once('error', reject);
    server.listen({ host: l.address, port: l.port, backlog: 1024 }, () => resolve(server));
  });
}

function udp(l: Listener): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    sock.once('error', reject);
    sock.on('message', (msg, rinfo) => {
      sock.send(`${msg.toString('utf8').trim()} ${rinfo.address}\n`, rinfo.port, rinfo.address);
    });
    sock.bind({ address: l.address, port: l.port, exclusive: true }, () => {
      sock.removeListener('error', reject);
      sock.on('error', () => {});
      resolve(sock);
    });
  });
}

export async function listenAll(listeners: Listener[]): Promise<Listening> {
  const closers: { close(): void }[] = [];
  const errors: string[] = [];
  const results = await Promise.allSettled(listeners.map((l) => (l.proto === 'tcp' ? tcp(l) : udp(l))));
  results.forEach((r, i) => {
    const l = listeners[i]!;
    if (r.status === 'fulfilled') closers.push(r.value);
    else errors.push(`${l.proto} ${l.address}:${l.port}: ${(r.reason as Error).message}`);
  });
  return {
    errors,
    count: closers.length,
    close: () => {
      for (const c of closers) c.close();
    },
  };
}
