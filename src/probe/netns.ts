// Throwaway Linux network namespaces for tests and benchmarks: unique names, no route out, always removed.
import { execa } from 'execa';

let counter = 0;

/** A network namespace this process created; `remove()` is idempotent and safe in finally blocks. */
export interface Netns {
  name: string;
  /** Runs `ip <args>` inside the namespace (`ip -n <name> ...`). */
  ip(...args: string[]): Promise<void>;
  /** argv prefix that runs a command inside the namespace. */
  exec(argv: string[]): string[];
  remove(): Promise<void>;
}

/** Creates `bl-<tag>-<pid>-<n>` with loopback up and nothing else: no interface leads out of it. */
export async function createNetns(tag: string): Promise<Netns> {
  counter += 1;
  const name = `bl-${tag}-${process.pid}-${counter}`;
  await execa('ip', ['netns', 'add', name]);
  const ns: Netns = {
    name,
    ip: async (...args) => {
      await execa('ip', ['-n', name, ...args]);
    },
    exec: (argv) => ['ip', 'netns', 'exec', name, ...argv],
    remove: async () => {
      await execa('ip', ['netns', 'del', name], { reject: false });
    },
  };
  try {
    await ns.ip('link', 'set', 'lo', 'up');
  } catch (err) {
    await ns.remove();
    throw err;
  }
  return ns;
}
