// Long-running commands stop when the package runner that started them is stopped.
//
// `npx beelab gateway` (npm 10/11's `npm exec`, likewise `npm run`) starts `sh -c 'beelab' gateway …`,
// and that shell starts node without exec'ing it. A SIGTERM to npx is forwarded to the shell only: the
// shell dies, npx exits 143, and node is re-parented and keeps serving. Nothing in this process can
// change npm or the shell, so it watches instead: when its parent (the shell) or the shell's parent
// (npm) goes away, it sends itself SIGTERM, and the command's own SIGTERM handling (drain, teardown)
// runs as if the signal had been delivered to it, and the process exits with its own status.

import { readFileSync } from 'node:fs';

/** True when a package runner (npx, npm exec, npm run; pnpm and yarn set the same) started us. */
export function startedByPackageRunner(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.npm_lifecycle_event || env.npm_command || env.npm_execpath);
}

/** The parent pid of `pid` from /proc (Linux), or undefined where there is no /proc or it exited. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may contain spaces.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export interface LauncherWatchOptions {
  /** How often to look; default 250 ms (one getppid and one small /proc read). */
  intervalMs?: number;
  /** What to do when the launcher is gone; default: SIGTERM to this process. */
  onGone?: () => void;
  /** Watch even when no package runner is seen in the environment (tests). */
  force?: boolean;
}

/**
 * Under a package runner, turns "the runner or its shell went away" into a SIGTERM to this process.
 * Does nothing otherwise (systemd, launchd, a plain shell, `nohup`), where the parent is not a
 * stand-in for the user's intent. Returns a function that stops watching. The timer is unref'd.
 */
export function stopWithLauncher(opts: LauncherWatchOptions = {}): () => void {
  if (!opts.force && !startedByPackageRunner()) return () => {};
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const onGone = opts.onGone ?? (() => process.kill(process.pid, 'SIGTERM'));
  const timer = setInterval(() => {
    // The shell died (SIGTERM forwarded by npm): we were re-parented. npm died (SIGKILL): the shell was.
    const gone = process.ppid !== parent || (grandparent !== undefined && parentOf(parent) !== grandparent);
    if (!gone) return;
    clearInterval(timer);
    onGone();
  }, opts.intervalMs ?? 250);
  timer.unref();
  return () => clearInterval(timer);
}
