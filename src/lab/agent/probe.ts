// The agent's side of a probe: one real connection attempt from a given source address, bounded in time.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { Probe, ProbeResult } from './protocol.ts';

const nonce = (p: Probe) => `beelab-probe-${p.id}`;

/** Reads `<nonce> <peer>` back; a wrong nonce means the answer was not ours. */
function peerFrom(line: string, p: Probe): string | undefined {
  const [n, peer] = line.trim().split(' ');
  return n === nonce(p) ? peer : undefined;
}

function tcpProbe(p: Probe): Promise<Omit<ProbeResult, 'id' | 'ms'>> {
  return new Promise((resolve) => {
    let buf = '';
    let done = false;
    const sock = connect({ host: p.dst, port: p.port!, localAddress: p.src });
    const finish = (r: Omit<ProbeResult, 'id' | 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ connected: false, error: 'timeout' }), p.timeoutMs);
    sock.on('connect', () => (p.handshake ? finish({ connected: true }) : sock.write(`${nonce(p)}\n`)));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (!buf.includes('\n')) return;
      const peer = peerFrom(buf, p);
      finish(
        peer ? { connected: true, peer } : { connected: false, error: `unexpected answer ${buf.trim()}` },
      );
    });
    sock.on('error', (err: NodeJS.ErrnoException) =>
      finish({ connected: false, error: err.code ?? err.message }),
    );
    sock.on('close', () => finish({ connected: false, error: 'closed without an answer' }));
  });
}

function udpProbe(p: Probe): Promise<Omit<ProbeResult, 'id' | 'ms'>> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    let done = false;
    const finish = (r: Omit<ProbeResult, 'id' | 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ connected: false, error: 'timeout' }), p.timeoutMs);
    sock.on('error', (err: NodeJS.ErrnoException) =>
      finish({ connected: false, error: err.code ?? err.message }),
    );
    sock.on('message', (msg) => {
      const peer = peerFrom(msg.toString('utf8'), p);
      if (peer) finish({ connected: true, peer });
    });
    sock.bind({ address: p.src, port: 0 }, () => sock.send(`${nonce(p)}\n`, p.port!, p.dst));
  });
}

/** iputils ping: Node has no raw sockets. */
function icmpProbe(p: Probe): Promise<Omit<ProbeResult, 'id' | 'ms'>> {
  return new Promise((resolve) => {
    const wait = Math.max(0.2, p.timeoutMs / 1000).toFixed(1);
    const child = spawn('ping', ['-n', '-q', '-c', '1', '-W', wait, '-I', p.src, p.dst], { stdio: 'ignore' });
    const kill = setTimeout(() => child.kill('SIGKILL'), p.timeoutMs + 2000);
    child.on('error', (err) => {
      clearTimeout(kill);
      resolve({ connected: false, error: `ping: ${err.message}` });
    });
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve(
        code === 0
          ? { connected: true }
          : { connected: false, error: code === 1 ? 'no reply' : `ping exit ${code}` },
      );
    });
  });
}

export async function runProbe(p: Probe): Promise<ProbeResult> {
  const start = performance.now();
  const r =
    p.proto === 'tcp' ? await tcpProbe(p) : p.proto === 'udp' ? await udpProbe(p) : await icmpProbe(p);
  return { id: p.id, ...r, ms: Math.round(performance.now() - start) };
}

/** Runs every probe with at most `concurrency` in flight; results in input order. */
export async function runProbes(probes: Probe[], concurrency: number): Promise<ProbeResult[]> {
  const out: ProbeResult[] = new Array(probes.length);
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const i = next++;
      out[i] = await runProbe(probes[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, probes.length)) }, worker));
  return out;
}
