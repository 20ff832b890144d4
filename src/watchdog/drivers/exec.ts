// The real Exec on execa: no shell, a hard timeout, output kept for error messages.
import { execa } from 'execa';
import type { Exec } from './types.ts';

export const execProgram: Exec = async (file, args, opts) => {
  const res = await execa(file, args, {
    reject: false,
    timeout: opts.timeoutMs,
    stdin: 'ignore',
    env: opts.env,
    forceKillAfterDelay: 2000,
  });
  const stderr = res.timedOut
    ? `timed out after ${opts.timeoutMs} ms`
    : res.failed && res.code === 'ENOENT'
      ? `${file}: not found`
      : res.stderr;
  return { exitCode: res.exitCode ?? -1, stdout: res.stdout, stderr };
};
