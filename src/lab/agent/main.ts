// The lab agent: runs inside one lab namespace, listens on the Site's service ports and probes on request.

import { Resolver } from 'node:dns/promises';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { listenAll } from './listen.ts';
import { runProbes } from './probe.ts';
import type { AgentConfig, AgentRequest, AgentResponse, ResolveAnswer } from './protocol.ts';

async function resolveAll(req: Extract<AgentRequest, { op: 'resolve' }>): Promise<ResolveAnswer[]> {
  const r = new Resolver({ timeout: req.timeoutMs, tries: 2 });
  r.setServers([req.server]);
  r.setLocalAddress(req.local);
  return Promise.all(
    req.names.map(async (name) => {
      try {
        return { name, addresses: (await r.resolve4(name)).sort() };
      } catch (err) {
        return { name, addresses: [], error: (err as NodeJS.ErrnoException).code ?? String(err) };
      }
    }),
  );
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as AgentConfig;
  const listening = await listenAll(config.listeners);
  const handle = async (req: AgentRequest): Promise<AgentResponse> => {
    switch (req.op) {
      case 'status':
        return { op: 'status', listening: listening.count, errors: listening.errors };
      case 'probe':
        return { op: 'probe', results: await runProbes(req.probes, req.concurrency) };
      case 'resolve':
        return { op: 'resolve', answers: await resolveAll(req) };
    }
  };
  rmSync(config.socket, { force: true });
  const control = createServer((sock) => {
    let buf = '';
    sock.on('error', () => sock.destroy());
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
        handle(JSON.parse(line) as AgentRequest)
          .catch((err: Error): AgentResponse => ({ op: 'error', message: err.message }))
          .then((res) => sock.write(`${JSON.stringify(res)}\n`));
      }
    });
  });
  control.listen(config.socket);
  const stop = () => {
    listening.close();
    control.close();
    rmSync(config.socket, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
