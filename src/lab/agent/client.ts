// Talks to a lab agent over its unix socket: one JSON request, one JSON answer.
import { connect } from 'node:net';
import type { AgentRequest, AgentResponse } from './protocol.ts';

export function ask<T extends AgentResponse['op']>(
  socket: string,
  req: AgentRequest,
  timeoutMs: number,
): Promise<Extract<AgentResponse, { op: T }>> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const sock = connect(socket);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`lab agent ${socket} did not answer ${req.op} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(`${JSON.stringify(req)}\n`));
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      sock.end();
      const res = JSON.parse(buf.slice(0, nl)) as AgentResponse;
      if (res.op === 'error') reject(new Error(`lab agent ${socket}: ${res.message}`));
      else resolve(res as Extract<AgentResponse, { op: T }>);
    });
  });
}
