// Starts a lab agent inside a namespace, detached so the lab outlives `lab up`, and waits until it listens.
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ask } from './agent/client.ts';
import type { AgentConfig, Listener } from './agent/protocol.ts';

const AGENT_MAIN = fileURLToPath(new URL('./agent/main.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

export function agentSocket(dir: string, netns: string): string {
  return join(dir, `${netns.replace(/^.*-/, '')}.sock`);
}

/** Spawns the agent; returns its control socket once it answers, or throws with what it could not bind. */
export async function startAgent(dir: string, netns: string, listeners: Listener[]): Promise<string> {
  const socket = agentSocket(dir, netns);
  const config: AgentConfig = { netns, socket, listeners };
  const short = netns.replace(/^.*-/, '');
  const cfgFile = join(dir, `agent-${short}.json`);
  writeFileSync(cfgFile, JSON.stringify(config));
  const log = openSync(join(dir, `agent-${short}.log`), 'a');
  const child = spawn(
    'ip',
    ['netns', 'exec', netns, process.execPath, '--import', TSX_LOADER, AGENT_MAIN, cfgFile],
    {
      detached: true,
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });
  child.unref();
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited !== null)
      throw new Error(`lab agent in ${netns} exited with ${exited}; see ${join(dir, `agent-${short}.log`)}`);
    try {
      const st = await ask<'status'>(socket, { op: 'status' }, 2000);
      if (st.errors.length > 0)
        throw new Error(`lab agent in ${netns} could not listen: ${st.errors.join('; ')}`);
      return socket;
    } catch (err) {
      if ((err as Error).message.startsWith('lab agent')) throw err;
      if (Date.now() > deadline) throw new Error(`lab agent in ${netns} did not start within 20 s`);
      await new Promise((r) => setTimeout(r, 40));
    }
  }
}
