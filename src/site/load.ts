// loadSite(dir): the resolved Site of a site directory, for runtime components (status, lab) that only need the model.
import { loadProject } from '../project/load.ts';
import type { Site } from './types.ts';

/** Reads DIR/beelab.yaml and DIR/beelab.lock.yaml and resolves them; writes nothing. */
export async function loadSite(dir: string): Promise<Site> {
  return (await loadProject(dir)).site;
}
