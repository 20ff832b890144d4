// The age identity (private key) that decrypts secrets/: never in the repository, read from the operator's machine.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { identityToRecipient } from 'age-encryption';
import { UserError } from '../errors.ts';
import { readText } from '../kernel/read-text.ts';

export const IDENTITY_ENV = 'BEELAB_AGE_IDENTITY';

/** `$BEELAB_AGE_IDENTITY`, else `~/.config/beelab/age.key`. */
export function identityPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[IDENTITY_ENV] || join(homedir(), '.config', 'beelab', 'age.key');
}

export interface LoadedIdentity {
  file: string;
  /** AGE-SECRET-KEY-1... lines (an age-keygen file may hold several). */
  keys: string[];
  /** The public recipients of those keys (age1...). */
  recipients: string[];
}

/** Reads an identity file as written by `age-keygen`; a missing or empty one is a UserError naming it. */
export async function loadIdentity(env: NodeJS.ProcessEnv = process.env): Promise<LoadedIdentity> {
  const file = identityPath(env);
  const text = await readText(
    file,
    (code) =>
      new UserError(
        `no age identity: ${file} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
        [
          `  Secrets are decrypted with your age private key, read from $${IDENTITY_ENV} or ~/.config/beelab/age.key.`,
          '  hint: point BEELAB_AGE_IDENTITY at your key file (from the recovery kit), or create a key with',
          '        `age-keygen -o ~/.config/beelab/age.key` and add its public key to site.admin.ageRecipients',
        ],
      ),
  );
  const keys = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('AGE-SECRET-KEY-'));
  if (keys.length === 0) {
    throw new UserError(`${file} holds no age identity (no line starting with AGE-SECRET-KEY-)`, [
      '  hint: the file must be an age-keygen identity file; SSH private keys are not supported',
    ]);
  }
  const recipients: string[] = [];
  for (const k of keys) {
    try {
      recipients.push(await identityToRecipient(k));
    } catch (err) {
      throw new UserError(`${file}: an identity line is not a valid age key (${(err as Error).message})`);
    }
  }
  return { file, keys, recipients };
}
