// Where a running lab keeps its files (rendered configs, agent sockets, logs) and how a later command finds it.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinkMode } from './plan.ts';

/** Base directory of lab runs; root-only, on tmpfs. */
export function stateBase(): string {
  return process.env.BEELAB_LAB_STATE ?? '/run/beelab-lab';
}

/** What `lab up` records so `lab test` and `lab down` in another process find the same lab. */
export interface LabState {
  id: string;
  mode: LinkMode;
  /** Site name and the directory it was loaded from. */
  site: string;
  dir: string;
  createdAt: string;
  /** Hosts booted as machines (`lab up --machines`); absent in labs without machines. */
  machines?: string[];
}

export function runDir(id: string): string {
  return join(stateBase(), id);
}

export function createRunDir(id: string): string {
  const d = runDir(id);
  mkdirSync(d, { recursive: true, mode: 0o700 });
  return d;
}

export function writeState(s: LabState): void {
  writeFileSync(join(runDir(s.id), 'state.json'), `${JSON.stringify(s, null, 2)}\n`);
}

export function readStates(): LabState[] {
  let ids: string[] = [];
  try {
    ids = readdirSync(stateBase());
  } catch {
    return [];
  }
  const out: LabState[] = [];
  for (const id of ids) {
    try {
      out.push(JSON.parse(readFileSync(join(runDir(id), 'state.json'), 'utf8')) as LabState);
    } catch {
      // a run that died before writing its state: `lab down` still removes it by prefix
    }
  }
  return out;
}

export function removeRunDir(id: string): void {
  rmSync(runDir(id), { recursive: true, force: true });
}

/** Every run directory, with or without a state file. */
export function runIds(): string[] {
  try {
    return readdirSync(stateBase()).filter((n) => /^[0-9a-f]{6}$/.test(n));
  } catch {
    return [];
  }
}
