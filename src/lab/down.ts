// `lab down`: removes a lab's namespaces, processes and files; with no id, every lab's leftovers by prefix.
import { removeRunDir, runIds } from './state.ts';
import { labNamespaces, removeNamespaces } from './system.ts';

/** Removes one run (by id) or all runs; returns the namespaces it removed. Safe to call twice. */
export async function labDown(id?: string): Promise<string[]> {
  const names = await labNamespaces(id);
  await removeNamespaces(names);
  for (const run of id ? [id] : runIds()) removeRunDir(run);
  return names;
}
