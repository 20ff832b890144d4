// The check rule: a rendered file must never hold a known secret value or a private key in plaintext.
import type { Diagnostic } from '../kernel/diagnostic.ts';

/** Private key material by its armor; public keys and age recipients are fine. */
const PRIVATE_KEY_PATTERNS: [RegExp, string][] = [
  [/AGE-SECRET-KEY-(PQ-)?1[02-9AC-HJ-NP-Z]{20,}/, 'an age private key'],
  [/-----BEGIN (?:OPENSSH |RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----/, 'a PEM/OpenSSH private key'],
];

/** Values shorter than this are not searched for (they would match by chance). */
const MIN_VALUE_LENGTH = 12;

function lineCol(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

/**
 * Diagnostics (errors) for every file that contains a known secret value or a private key. `files` are the
 * rendered files (path → content); `secrets` the decrypted values by name (empty when no identity is
 * available: then only private keys are found). The message names the secret, never its value.
 */
export function secretLeaks(
  files: Iterable<[string, string]>,
  secrets: ReadonlyMap<string, string> = new Map(),
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const values = [...secrets.entries()].filter(([, v]) => v.trim().length >= MIN_VALUE_LENGTH);
  for (const [path, content] of files) {
    for (const [name, value] of values) {
      const i = content.indexOf(value.trim());
      if (i >= 0) {
        out.push({
          code: 'secrets/plaintext',
          severity: 'error',
          message: `${path} contains the value of secret ${name} in plaintext`,
          location: { file: path, ...lineCol(content, i) },
          hint: 'reference the secret at apply time ($BEELAB_SECRET_<NAME>) instead of rendering it; then rotate it (`beelab secrets rotate`)',
        });
      }
    }
    for (const [re, what] of PRIVATE_KEY_PATTERNS) {
      const m = re.exec(content);
      if (m) {
        out.push({
          code: 'secrets/private-key',
          severity: 'error',
          message: `${path} contains ${what} in plaintext`,
          location: { file: path, ...lineCol(content, m.index) },
          hint: 'private keys never belong in the repository: remove it, and replace the key (it is exposed)',
        });
      }
    }
  }
  return out;
}

/**
 * For `beelab check`: the leak rule with the values of every stored secret, decrypted in memory when this
 * machine has the age identity; without one, private keys are still found and an info diagnostic says the
 * values were not checked.
 */
export async function siteSecretLeaks(dir: string, files: Iterable<[string, string]>): Promise<Diagnostic[]> {
  const { SecretStore } = await import('./store.ts');
  const { loadIdentity } = await import('./identity.ts');
  const store = SecretStore.open(dir);
  const stored = store.list().filter((s) => s.present);
  if (stored.length === 0) return secretLeaks(files);
  let identity: Awaited<ReturnType<typeof loadIdentity>>;
  try {
    identity = await loadIdentity();
  } catch (err) {
    return [
      ...secretLeaks(files),
      {
        code: 'secrets/unchecked',
        severity: 'info',
        message: `secret values were not searched for in the rendered files: ${(err as Error).message}`,
        location: { file: 'secrets/' },
      },
    ];
  }
  const values = new Map<string, string>();
  for (const s of stored) values.set(s.name, await store.read(s.name, identity));
  return secretLeaks(files, values);
}
