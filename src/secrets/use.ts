// Secrets at apply time: create the missing ones once, hand a step its secrets as 0600 temp files, then remove them.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretEnvName } from '../layers/step.ts';
import type { Site } from '../site/types.ts';
import { generateSecret, type SecretDef, siteSecrets } from './catalog.ts';
import type { LoadedIdentity } from './identity.ts';
import type { SecretProvider } from './provider.ts';
import type { SecretStore } from './store.ts';

/** The Site's secrets that do not exist yet (by file: an existing file is never regenerated). */
export function missingSecrets(site: Site, store: SecretStore): SecretDef[] {
  return siteSecrets(site).filter((d) => !store.has(d.name));
}

/** Generates and stores every missing secret; returns the names created. */
export async function ensureSecrets(site: Site, store: SecretStore): Promise<string[]> {
  const created: string[] = [];
  for (const def of missingSecrets(site, store)) {
    if (await store.create(def, generateSecret(def.kind), site.admin.ageRecipients)) created.push(def.name);
  }
  return created;
}

/**
 * For the engine: decrypts the named secrets (in memory) into files, mode 0600, in a fresh 0700 directory,
 * and returns `$BEELAB_SECRET_<NAME>` → path plus a cleanup that removes the directory.
 */
export function secretProvider(store: SecretStore, identity: () => Promise<LoadedIdentity>): SecretProvider {
  return async (names) => {
    const id = await identity();
    const values = new Map<string, string>();
    for (const n of names) values.set(n, await store.read(n, id));
    const dir = await mkdtemp(join(tmpdir(), 'beelab-secrets-'));
    await chmod(dir, 0o700);
    const env: Record<string, string> = {};
    try {
      for (const [n, v] of values) {
        const path = join(dir, n);
        await writeFile(path, v, { mode: 0o600, flag: 'wx' });
        env[secretEnvName(n)] = path;
      }
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return { env, cleanup: () => rm(dir, { recursive: true, force: true }) };
  };
}
