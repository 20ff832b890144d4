// Secrets at apply time: create the missing ones once, hand a step its secrets as 0600 temp files, then remove them.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.ts';
import { secretEnvName } from '../layers/step.ts';
import type { Site } from '../site/types.ts';
import {
  generateSecret,
  isRandomKind,
  SECRET_TOOLS,
  type SecretDef,
  type SecretKind,
  siteSecrets,
} from './catalog.ts';
import type { LoadedIdentity } from './identity.ts';
import type { SecretProvider } from './provider.ts';
import type { SecretStore } from './store.ts';

/** The Site's secrets that do not exist yet (by file: an existing file is never regenerated). */
export function missingSecrets(site: Site, store: SecretStore): SecretDef[] {
  return siteSecrets(site).filter((d) => !store.has(d.name));
}

/**
 * Generates and stores every missing secret (or only the `only` ones, what some steps need): the names
 * created, and those a missing tool could not make (with why; the steps that need them fail until the tool is
 * installed and apply runs again).
 */
export async function ensureSecrets(
  site: Site,
  store: SecretStore,
  only?: readonly string[],
): Promise<{ created: string[]; skipped: { name: string; why: string }[] }> {
  const created: string[] = [];
  const skipped: { name: string; why: string }[] = [];
  for (const def of missingSecrets(site, store)) {
    if (only && !only.includes(def.name)) continue;
    if (def.kind === 'issued') {
      skipped.push({
        name: def.name,
        why: def.issuedBy ?? 'issued by another system: store it with `beelab secrets set`',
      });
      continue;
    }
    const value = await produceSecret(def.kind);
    if (typeof value !== 'string') {
      skipped.push({ name: def.name, why: value.missing });
      continue;
    }
    if (await store.create(def, value, site.admin.ageRecipients)) created.push(def.name);
  }
  return { created, skipped };
}

/**
 * A fresh value of a kind: random, or what the kind's tool writes (run in a 0700 temporary directory that is
 * removed at once; the value only ever reaches the disk encrypted). `{ missing }` when the tool is not installed.
 */
export async function produceSecret(kind: SecretKind): Promise<string | { missing: string }> {
  if (isRandomKind(kind)) return generateSecret(kind);
  if (kind === 'issued') return { missing: 'issued by another system: store it with `beelab secrets set`' };
  const tool = SECRET_TOOLS[kind];
  const dir = await mkdtemp(join(tmpdir(), 'beelab-secret-'));
  try {
    await chmod(dir, 0o700);
    const out = join(dir, 'secret');
    try {
      await execa(tool.command, tool.args(out), { stdin: 'ignore' });
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT')
        return { missing: `${tool.command} is not installed (${tool.installHint})` };
      throw new UserError(`${tool.command} ${tool.args('FILE').join(' ')} failed`, [
        `  ${((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').join('\n  ')}`,
      ]);
    }
    return await readFile(out, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
