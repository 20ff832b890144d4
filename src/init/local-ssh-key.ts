// Finds the user's own public key in ~/.ssh, so the interactive flow can offer it instead of an empty answer.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkSshKey } from '../spec/fields.ts';

/** Checked in this order: the key type OpenSSH itself recommends first. */
const CANDIDATES = ['id_ed25519.pub', 'id_ecdsa.pub', 'id_rsa.pub'];

/** The first valid public key in `${home}/.ssh` with its path, or undefined. */
export async function findLocalSshKey(home = homedir()): Promise<{ key: string; path: string } | undefined> {
  for (const name of CANDIDATES) {
    const path = join(home, '.ssh', name);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    const key = text?.trim().split('\n')[0]?.trim();
    if (key && checkSshKey(key) === undefined) return { key, path };
  }
  return undefined;
}
