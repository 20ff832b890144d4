// `lab down`: removes a lab's namespaces, processes and files; with no id, every lab's leftovers by prefix.
import { stopMachines, unmountUnder } from './machines/stop.ts';
import { removeRunDir, runDir, runIds } from './state.ts';
import { labNamespaces, removeNamespaces } from './system.ts';

/**
 * Removes one run (by id) or all runs; returns the namespaces it removed. Safe to call twice. Machines go
 * first (their containers, then their overlays and the read-only view of the shared root), so the run
 * directory is deleted only once nothing is mounted in it.
 */
export async function labDown(id?: string): Promise<string[]> {
  const runs = id ? [id] : runIds();
  for (const run of runs) await stopMachines(runDir(run));
  const names = await labNamespaces(id);
  await removeNamespaces(names);
  for (const run of runs) {
    await unmountUnder(runDir(run));
    removeRunDir(run);
  }
  return names;
}
