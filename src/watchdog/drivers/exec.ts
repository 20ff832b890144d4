// The real Exec: no shell, a hard timeout (SIGTERM, then SIGKILL 2 s later), output kept for error messages.
import { runProgram } from '../run-program.ts';
import type { Exec } from './types.ts';

export const execProgram: Exec = async (file, args, opts) => {
  const res = await runProgram(file, args, {
    timeoutMs: opts.timeoutMs,
    env: opts.env,
    forceKillAfterMs: 2000,
  });
  const stderr = res.timedOut
    ? `timed out after ${opts.timeoutMs} ms`
    : res.spawnError?.code === 'ENOENT'
      ? `${file}: not found`
      : res.stderr;
  return { exitCode: res.exitCode ?? -1, stdout: res.stdout, stderr };
};
