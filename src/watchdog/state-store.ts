// Persists target states so a rebooted watchdog keeps back-off, cycle counts and give-ups; writes are atomic.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TargetState } from './state-machine.ts';

/** Where states live between runs. */
export interface StateStore {
  load(): Promise<Record<string, TargetState>>;
  save(states: Record<string, TargetState>): Promise<void>;
}

interface StateFile {
  version: 1;
  targets: Record<string, TargetState>;
}

/** JSON file written as tmp + fsync + rename (+ fsync of the directory): a crash leaves the old or the new file. */
export function fileStateStore(path: string): StateStore {
  let last = '';
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw err;
      }
      const parsed = JSON.parse(text) as StateFile;
      if (parsed.version !== 1 || typeof parsed.targets !== 'object')
        throw new Error(`${path}: unknown state file format`);
      last = text;
      return parsed.targets;
    },
    async save(states) {
      const text = `${JSON.stringify({ version: 1, targets: states } satisfies StateFile, null, 2)}\n`;
      // SD cards wear out: steady state writes nothing.
      if (text === last) return;
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
      const dir = await open(dirname(path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
      last = text;
    },
  };
}

/** In-memory store for tests and --dry-run style use. */
export function memoryStateStore(initial: Record<string, TargetState> = {}): StateStore & { saves: number } {
  let data = structuredClone(initial);
  const store = {
    saves: 0,
    load: async () => structuredClone(data),
    save: async (states: Record<string, TargetState>) => {
      data = structuredClone(states);
      store.saves += 1;
    },
  };
  return store;
}
