// The lab's only contact with the system: `ip` for namespaces and links, commands run inside a namespace.
import { execa } from 'execa';
import { LAB_PREFIX } from './names.ts';

/** Runs `ip [-n netns] -batch -` with the given lines; one process for many commands. */
export async function ipBatch(lines: string[], netns?: string): Promise<void> {
  if (lines.length === 0) return;
  const args = [...(netns ? ['-n', netns] : []), '-batch', '-'];
  const r = await execa('ip', args, { input: `${lines.join('\n')}\n`, reject: false });
  if (r.exitCode !== 0) {
    throw new Error(
      `ip ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}\n  in: ${lines.join('; ')}`,
    );
  }
}

/** Runs argv inside the namespace and returns its output; throws with stderr on failure. */
export async function nsRun(netns: string, argv: string[], timeoutMs = 15_000): Promise<string> {
  const r = await execa('ip', ['netns', 'exec', netns, ...argv], { reject: false, timeout: timeoutMs });
  if (r.exitCode !== 0) {
    throw new Error(
      `${argv.join(' ')} in ${netns} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim()}`,
    );
  }
  return r.stdout;
}

/** Lab namespaces that exist now, optionally of one run only. */
export async function labNamespaces(id?: string): Promise<string[]> {
  const r = await execa('ip', ['netns', 'list'], { reject: false });
  const prefix = id ? `${LAB_PREFIX}${id}-` : LAB_PREFIX;
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(prefix))
    .sort();
}

async function pidsIn(netns: string): Promise<number[]> {
  const r = await execa('ip', ['netns', 'pids', netns], { reject: false });
  return r.stdout
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 1 && n !== process.pid);
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/**
 * Removes namespaces for good: a namespace outlives `ip netns del` while a process still runs in it, so every
 * process in it (agents, dnsmasq, DHCP clients) is stopped first, by its pid, never by name.
 */
export async function removeNamespaces(names: string[]): Promise<void> {
  const pids = (await Promise.all(names.map(pidsIn))).flat();
  signal(pids, 'SIGTERM');
  const deadline = Date.now() + 2000;
  let alive = pids;
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    alive = alive.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
  }
  signal(alive, 'SIGKILL');
  if (names.length > 0)
    await execa('ip', ['-batch', '-'], {
      input: `${names.map((n) => `netns del ${n}`).join('\n')}\n`,
      reject: false,
    });
}
