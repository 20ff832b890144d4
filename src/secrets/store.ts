// secrets/ in the site directory: one age-encrypted file per secret plus a plaintext index of metadata (no values).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { armor, Decrypter, Encrypter } from 'age-encryption';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { SECRET_KINDS, type SecretDef, type SecretKind } from './catalog.ts';

export const SECRETS_DIR = 'secrets';
export const INDEX_FILE = `${SECRETS_DIR}/index.json`;
/** Previous values after a rotation, kept encrypted: nothing stored is ever lost. */
export const ROTATED_DIR = `${SECRETS_DIR}/rotated`;
const TMP_MARK = '.beelab-tmp-';

const entrySchema = z.object({
  kind: z.enum(SECRET_KINDS),
  description: z.string(),
  usedBy: z.string(),
  generation: z.number().int().min(1),
  created: z.string(),
  rotated: z.string().optional(),
  /** The recipients the current file is encrypted to. */
  recipients: z.array(z.string()),
});
const indexSchema = z.object({ version: z.literal(1), secrets: z.record(z.string(), entrySchema) });
export type SecretEntry = z.infer<typeof entrySchema>;
type Index = z.infer<typeof indexSchema>;

export interface ListedSecret {
  name: string;
  file: string;
  entry?: SecretEntry;
  /** The .age file exists. */
  present: boolean;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

export function secretFile(name: string): string {
  return `${SECRETS_DIR}/${name}.age`;
}

/** Writes temp + fsync + rename + fsync(dir): after a crash the old file or the new one is there, whole. */
function writeAtomicSync(path: string, data: string, mode = 0o644): void {
  const tmp = `${path}${TMP_MARK}${process.pid}-${randomBytes(3).toString('hex')}`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    const buf = Buffer.from(data);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dfd = openSync(join(path, '..'), 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/** Encrypts to every recipient; an SSH recipient is refused with a clear message (not supported here). */
export async function encryptTo(value: string, recipients: readonly string[]): Promise<string> {
  if (recipients.length === 0) {
    throw new UserError('no age recipients: site.admin.ageRecipients in beelab.yaml is empty', [
      '  Secrets are encrypted to those public keys; with none, nobody could ever decrypt them.',
      '  hint: `age-keygen -o ~/.config/beelab/age.key` prints a public key (age1...); add it to beelab.yaml',
    ]);
  }
  const e = new Encrypter();
  for (const r of recipients) {
    if (!r.startsWith('age1')) {
      throw new UserError(
        `age recipient ${r.slice(0, 24)}... is an SSH key; Beelab encrypts to age1... keys only`,
        ['  hint: create an age key (`age-keygen`) and list its public key in site.admin.ageRecipients'],
      );
    }
    e.addRecipient(r);
  }
  return armor.encode(await e.encrypt(value));
}

export class SecretStore {
  private constructor(
    readonly dir: string,
    private index: Index,
  ) {}

  /** Reads secrets/index.json (absent = empty); a damaged index is a UserError naming it. */
  static open(dir: string): SecretStore {
    const file = join(dir, INDEX_FILE);
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) return new SecretStore(dir, { version: 1, secrets: {} });
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new UserError(`${INDEX_FILE} is not valid JSON: ${(err as Error).message}`, [
        '  The encrypted secrets beside it are intact; the index only holds metadata.',
        '  hint: restore it from git (git checkout secrets/index.json)',
      ]);
    }
    const r = indexSchema.safeParse(data);
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new UserError(`${INDEX_FILE}: ${i.path.join('.')}: ${i.message}`, [
        '  hint: restore it from git (git checkout secrets/index.json)',
      ]);
    }
    return new SecretStore(dir, r.data);
  }

  /** Every secret in the index or on disk (a file without an index entry is still a secret: never replaced). */
  list(): ListedSecret[] {
    const onDisk = this.#files();
    const names = new Set([...Object.keys(this.index.secrets), ...onDisk]);
    return [...names].sort().map((name) => ({
      name,
      file: secretFile(name),
      present: onDisk.has(name),
      ...(this.index.secrets[name] ? { entry: this.index.secrets[name] } : {}),
    }));
  }

  /** Leftovers of an interrupted write (never read; the stored secret beside them is intact). */
  leftovers(): string[] {
    const out: string[] = [];
    for (const d of [SECRETS_DIR, ROTATED_DIR]) {
      try {
        for (const f of readdirSync(join(this.dir, d))) if (f.includes(TMP_MARK)) out.push(`${d}/${f}`);
      } catch {
        // no such directory
      }
    }
    return out.sort();
  }

  #files(): Set<string> {
    try {
      return new Set(
        readdirSync(join(this.dir, SECRETS_DIR))
          .filter((f) => f.endsWith('.age') && !f.includes(TMP_MARK))
          .map((f) => f.slice(0, -4)),
      );
    } catch {
      return new Set();
    }
  }

  has(name: string): boolean {
    return this.#files().has(name);
  }

  entry(name: string): SecretEntry | undefined {
    return this.index.secrets[name];
  }

  /** name → generation, for step input hashes (a rotation re-runs the steps that use the secret). */
  generations(): Map<string, number> {
    return new Map(Object.entries(this.index.secrets).map(([n, e]) => [n, e.generation]));
  }

  #saveIndex(): void {
    const sorted = Object.fromEntries(
      Object.entries(this.index.secrets).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    writeAtomicSync(
      join(this.dir, INDEX_FILE),
      `${JSON.stringify({ version: 1, secrets: sorted }, null, 2)}\n`,
    );
  }

  async #ensureDir(): Promise<void> {
    await mkdir(join(this.dir, SECRETS_DIR), { recursive: true });
  }

  /**
   * Creates a secret that does not exist yet. An existing file is never overwritten (that is what makes a
   * secret "generated once"); returns false when it already existed.
   */
  async create(def: SecretDef, value: string, recipients: readonly string[]): Promise<boolean> {
    if (!NAME.test(def.name)) throw new Error(`secret name ${def.name} is not [a-z0-9-]`);
    if (this.has(def.name)) return false;
    const armored = await encryptTo(value, recipients);
    await this.#ensureDir();
    writeAtomicSync(join(this.dir, secretFile(def.name)), armored);
    this.index.secrets[def.name] = {
      kind: def.kind,
      description: def.description,
      usedBy: def.usedBy,
      generation: 1,
      created: new Date().toISOString(),
      recipients: [...recipients],
    };
    this.#saveIndex();
    return true;
  }

  /** Decrypts one secret in memory. Missing file, other recipients: a UserError naming the file. */
  async read(name: string, identity: { file: string; keys: string[] }): Promise<string> {
    const file = secretFile(name);
    let text: string;
    try {
      text = readFileSync(join(this.dir, file), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new UserError(`no secret ${name}: ${file} does not exist`, [
          `  known: ${
            this.list()
              .map((s) => s.name)
              .join(', ') || 'none'
          }`,
        ]);
      }
      throw err;
    }
    let bytes: Uint8Array;
    try {
      bytes = armor.decode(text);
    } catch (err) {
      throw new UserError(`${file} is not an age-armored file (${(err as Error).message})`, [
        '  hint: restore it from git; a damaged secret cannot be decrypted',
      ]);
    }
    const d = new Decrypter();
    for (const k of identity.keys) d.addIdentity(k);
    try {
      return await d.decrypt(bytes, 'text');
    } catch (err) {
      const msg = (err as Error).message;
      if (/no identity matched/i.test(msg)) {
        const to = this.index.secrets[name]?.recipients;
        throw new UserError(
          `${file} is encrypted to other keys: the identity in ${identity.file} cannot decrypt it`,
          [
            ...(to ? [`  encrypted to: ${to.join(', ')}`] : []),
            '  hint: use the key from the recovery kit (BEELAB_AGE_IDENTITY=/path/to/key), or have a holder of',
            '        one of those keys run `beelab secrets recipients --update` after adding yours',
          ],
        );
      }
      throw new UserError(`${file} cannot be decrypted: ${msg}`, ['  hint: restore it from git']);
    }
  }

  /** A new value for an existing secret; the old file is kept under secrets/rotated/ (still encrypted). */
  async rotate(name: string, value: string, recipients: readonly string[], def?: SecretDef): Promise<number> {
    const entry = this.index.secrets[name];
    const current = join(this.dir, secretFile(name));
    const armored = await encryptTo(value, recipients);
    const generation = (entry?.generation ?? 0) + 1;
    if (this.has(name)) {
      await mkdir(join(this.dir, ROTATED_DIR), { recursive: true });
      writeAtomicSync(
        join(this.dir, ROTATED_DIR, `${name}.${entry?.generation ?? 0}.age`),
        readFileSync(current, 'utf8'),
      );
    } else await this.#ensureDir();
    writeAtomicSync(current, armored);
    const now = new Date().toISOString();
    this.index.secrets[name] = {
      kind: entry?.kind ?? def?.kind ?? ('token' as SecretKind),
      description: entry?.description ?? def?.description ?? '',
      usedBy: entry?.usedBy ?? def?.usedBy ?? '',
      generation,
      created: entry?.created ?? now,
      rotated: now,
      recipients: [...recipients],
    };
    this.#saveIndex();
    return generation;
  }

  /** Re-encrypts every secret to `recipients` (values unchanged); returns the names rewritten. */
  async reencrypt(
    recipients: readonly string[],
    identity: { file: string; keys: string[] },
  ): Promise<string[]> {
    const done: string[] = [];
    // Decrypt everything first: a file we cannot read stops the run before anything is rewritten.
    const values = new Map<string, string>();
    for (const s of this.list().filter((x) => x.present))
      values.set(s.name, await this.read(s.name, identity));
    for (const [name, value] of values) {
      writeAtomicSync(join(this.dir, secretFile(name)), await encryptTo(value, recipients));
      const e = this.index.secrets[name];
      if (e) e.recipients = [...recipients];
      done.push(name);
    }
    this.#saveIndex();
    return done;
  }
}
