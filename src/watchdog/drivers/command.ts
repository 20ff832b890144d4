// A power (or restart) action that is any program: ipmitool, a vendor CLI, ssh; exit 0 means done.
import type { DriverDeps, Exec, PowerDriver } from './types.ts';

export async function runCommand(
  exec: Exec,
  argv: string[],
  timeoutMs: number,
  target: string,
): Promise<string> {
  const [file, ...args] = argv;
  const res = await exec(file!, args, { timeoutMs, env: { BEELAB_TARGET: target } });
  if (res.exitCode !== 0) {
    const tail = (res.stderr || res.stdout).trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${argv.join(' ')} exited ${res.exitCode}${tail ? `: ${tail}` : ''}`);
  }
  return `${file} exited 0`;
}

export function commandDriver(
  cfg: { argv: string[]; timeout: number },
  target: string,
  deps: DriverDeps,
): PowerDriver {
  return {
    label: `command ${cfg.argv[0]}`,
    holdMs: 0,
    // Not retried: the program owns its own idempotence; a failure is reported, and the back-off applies.
    cycle: () => runCommand(deps.exec, cfg.argv, cfg.timeout, target),
  };
}
