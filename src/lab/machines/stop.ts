// Stopping a run's machines and removing its mounts: by recorded pid and by mount point under the run directory only.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export function machinesDir(runDir: string): string {
  return join(runDir, 'machines');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Children of `pid` (the container's init is nspawn's only child, in its own session). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(n));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter(alive);
  }
  return left;
}

/** Pids of the nspawn processes this run recorded that still run (checked by name: pids get reused). */
export function nspawnPids(runDir: string): number[] {
  const base = machinesDir(runDir);
  if (!existsSync(base)) return [];
  const out: number[] = [];
  for (const m of readdirSync(base)) {
    const f = join(base, m, 'nspawn.pid');
    if (!existsSync(f)) continue;
    const pid = Number(readFileSync(f, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 1 && alive(pid) && comm(pid) === 'systemd-nspawn') out.push(pid);
  }
  return out;
}

/**
 * Stops every machine of the run. Killing nspawn alone leaves the container running, so its init (nspawn's
 * child, pid 1 of the container's pid namespace) is killed first, which ends every process in the container;
 * nspawn then removes its own runtime files and exits. Whatever remains of nspawn's process group is killed.
 */
export async function stopMachines(runDir: string): Promise<void> {
  const pids = nspawnPids(runDir);
  for (const pid of pids) for (const child of childrenOf(pid)) kill(child, 'SIGKILL');
  const left = await waitGone(pids, 5000);
  for (const pid of left) kill(-pid, 'SIGKILL');
  await waitGone(left, 2000);
}

/**
 * Stops one machine (its container, like stopMachines) and unmounts its overlay; `wipe` also deletes its
 * upper layer: everything the machine ever wrote is gone, as when a disk dies.
 */
export async function stopMachine(machineDir: string, wipe: boolean): Promise<void> {
  const f = join(machineDir, 'nspawn.pid');
  const pid = existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : Number.NaN;
  if (Number.isInteger(pid) && pid > 1 && alive(pid) && comm(pid) === 'systemd-nspawn') {
    for (const child of childrenOf(pid)) kill(child, 'SIGKILL');
    if ((await waitGone([pid], 5000)).length > 0) {
      kill(-pid, 'SIGKILL');
      await waitGone([pid], 2000);
    }
  }
  await unmountUnder(machineDir);
  if (wipe) for (const d of ['upper', 'work']) rmSync(join(machineDir, d), { recursive: true, force: true });
}

/** Mount points at or under `dir`, deepest first (from /proc/self/mountinfo, octal escapes decoded). */
export function mountsUnder(dir: string): string[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .filter(Boolean)
    .map((l) =>
      l.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))),
    );
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return [...new Set(points.filter((p) => p === dir || p.startsWith(prefix)))].sort(
    (a, b) => b.length - a.length,
  );
}

/**
 * Unmounts everything under the run directory (overlays, then the read-only view of the shared root).
 * Throws when something stays mounted: the caller must then not delete the directory.
 */
export async function unmountUnder(dir: string): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const points = mountsUnder(dir);
    if (points.length === 0) return;
    for (const p of points) {
      const r = await execa('umount', [p], { reject: false });
      if (r.exitCode !== 0 && round === 2) await execa('umount', ['-l', p], { reject: false });
    }
  }
  const left = mountsUnder(dir);
  if (left.length > 0) throw new Error(`lab: could not unmount ${left.join(', ')}; not removing ${dir}`);
}
