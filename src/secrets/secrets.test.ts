import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { referenceSite as referenceSiteForSecrets } from '../../test/support/example-sites.ts';
import { removeTempSites, tempSite } from '../apply/testing/fixtures.ts';
import { UserError } from '../errors.ts';
import { loadIdentity } from './identity.ts';
import { secretLeaks, siteSecretLeaks } from './leaks.ts';
import { SecretStore, secretFile } from './store.ts';
import { ensureSecrets, produceSecret, secretProvider } from './use.ts';

afterEach(removeTempSites);

let keyA: string;
let keyB: string;
let recA: string;
beforeAll(async () => {
  keyA = await generateIdentity();
  keyB = await generateIdentity();
  recA = await identityToRecipient(keyA);
});

const def = { name: 'k3s-token', kind: 'token' as const, description: 'join token', usedBy: 'k3s' };

function keyFile(dir: string, key: string): NodeJS.ProcessEnv {
  const file = join(dir, 'id.key');
  writeFileSync(file, `# created: test\n# public key: ...\n${key}\n`, { mode: 0o600 });
  return { BEELAB_AGE_IDENTITY: file };
}

describe('secrets store (real age keys)', () => {
  it('round trip: stored encrypted (never plaintext), decrypted with the identity', async () => {
    const dir = tempSite();
    const store = SecretStore.open(dir);
    expect(await store.create(def, 'super-secret-value-123', [recA])).toBe(true);
    const onDisk = readFileSync(join(dir, secretFile('k3s-token')), 'utf8');
    expect(onDisk).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(onDisk).not.toContain('super-secret-value-123');
    const id = await loadIdentity(keyFile(dir, keyA));
    expect(id.recipients).toEqual([recA]);
    expect(await SecretStore.open(dir).read('k3s-token', id)).toBe('super-secret-value-123');
  });

  it('is generated once: create never replaces an existing file, even without an index entry', async () => {
    const dir = tempSite();
    const store = SecretStore.open(dir);
    await store.create(def, 'first', [recA]);
    writeFileSync(join(dir, 'secrets/index.json'), '{"version":1,"secrets":{}}');
    expect(await SecretStore.open(dir).create(def, 'second', [recA])).toBe(false);
    const id = await loadIdentity(keyFile(dir, keyA));
    expect(await SecretStore.open(dir).read('k3s-token', id)).toBe('first');
  });

  it('a secret encrypted to another key: a clear error naming the file', async () => {
    const dir = tempSite();
    await SecretStore.open(dir).create(def, 'v', [recA]);
    const wrong = await loadIdentity(keyFile(dir, keyB));
    await expect(SecretStore.open(dir).read('k3s-token', wrong)).rejects.toThrow(
      /secrets\/k3s-token\.age is encrypted to other keys: the identity in .*id\.key cannot decrypt it/,
    );
  });

  it('no identity: a clear error naming where it looked', async () => {
    const dir = tempSite();
    await expect(loadIdentity({ BEELAB_AGE_IDENTITY: join(dir, 'nope.key') })).rejects.toThrow(
      /no age identity: .*nope\.key does not exist/,
    );
    writeFileSync(join(dir, 'empty.key'), 'not a key\n');
    await expect(loadIdentity({ BEELAB_AGE_IDENTITY: join(dir, 'empty.key') })).rejects.toThrow(
      /empty\.key holds no age identity/,
    );
  });

  it('no recipients, or an SSH recipient: refused before anything is written', async () => {
    const dir = tempSite();
    await expect(SecretStore.open(dir).create(def, 'v', [])).rejects.toThrow(
      /site\.admin\.ageRecipients in beelab\.yaml is empty/,
    );
    await expect(SecretStore.open(dir).create(def, 'v', ['ssh-ed25519 AAAAC3Nz x'])).rejects.toThrow(
      UserError,
    );
    expect(SecretStore.open(dir).list()).toEqual([]);
  });

  it('rotate keeps the old value encrypted under secrets/rotated/ and bumps the generation', async () => {
    const dir = tempSite();
    const id = await loadIdentity(keyFile(dir, keyA));
    await SecretStore.open(dir).create(def, 'old', [recA]);
    const store = SecretStore.open(dir);
    expect(await store.rotate('k3s-token', 'new', [recA])).toBe(2);
    expect(await SecretStore.open(dir).read('k3s-token', id)).toBe('new');
    expect(readdirSync(join(dir, 'secrets/rotated'))).toEqual(['k3s-token.1.age']);
    expect(SecretStore.open(dir).generations().get('k3s-token')).toBe(2);
  });

  it('an interrupted write leaves the stored secret intact and is reported', async () => {
    const dir = tempSite();
    await SecretStore.open(dir).create(def, 'kept', [recA]);
    // what a crash between writing the temp file and the rename leaves behind
    writeFileSync(join(dir, 'secrets/k3s-token.age.beelab-tmp-123-abc'), 'half');
    const store = SecretStore.open(dir);
    expect(store.leftovers()).toEqual(['secrets/k3s-token.age.beelab-tmp-123-abc']);
    expect(store.list().map((s) => s.name)).toEqual(['k3s-token']);
    expect(await store.read('k3s-token', await loadIdentity(keyFile(dir, keyA)))).toBe('kept');
  });

  it('a damaged index is an error naming it; the secrets stay', async () => {
    const dir = tempSite();
    await SecretStore.open(dir).create(def, 'v', [recA]);
    writeFileSync(join(dir, 'secrets/index.json'), '{"version":1,');
    expect(() => SecretStore.open(dir)).toThrow(/secrets\/index\.json is not valid JSON/);
  });

  it('a step gets its secret as a 0600 file that is gone afterwards', async () => {
    const dir = tempSite();
    await SecretStore.open(dir).create(def, 'tok', [recA]);
    const env = keyFile(dir, keyA);
    const provide = secretProvider(SecretStore.open(dir), () => loadIdentity(env));
    const m = await provide(['k3s-token']);
    const path = m.env.BEELAB_SECRET_K3S_TOKEN!;
    expect(readFileSync(path, 'utf8')).toBe('tok');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await m.cleanup();
    expect(() => statSync(path)).toThrow();
  });
});

describe('secret leak rule', () => {
  it('fails on a known secret value or a private key in a rendered file, and names the secret, not the value', () => {
    const d = secretLeaks(
      [
        ['ok.yml', 'token: {{ lookup }}\n'],
        ['k3s/config.yaml', 'a: 1\ntoken: 0123456789abcdef0123\n'],
        ['keys/id', '-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n'],
        [
          'age.txt',
          `# key\n${'AGE-SECRET-KEY-1'}QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n`,
        ],
      ],
      new Map([
        ['k3s-token', '0123456789abcdef0123'],
        ['short', 'abc'],
      ]),
    );
    expect(d.map((x) => `${x.location!.file}:${x.location!.line}:${x.location!.col} ${x.code}`)).toEqual([
      'k3s/config.yaml:2:8 secrets/plaintext',
      'keys/id:1:1 secrets/private-key',
      'age.txt:2:1 secrets/private-key',
    ]);
    expect(d[0]!.message).toContain('k3s-token');
    expect(d[0]!.message).not.toContain('0123456789abcdef0123');
  });
});

describe('siteSecretLeaks', () => {
  it('decrypts the stored secrets with the identity and finds their values; without it, says so', async () => {
    const dir = tempSite();
    await SecretStore.open(dir).create(def, 'a-long-secret-value-xyz', [recA]);
    const files: [string, string][] = [['k3s/env', 'K3S_TOKEN=a-long-secret-value-xyz\n']];
    const env = keyFile(dir, keyA);
    const saved = process.env.BEELAB_AGE_IDENTITY;
    process.env.BEELAB_AGE_IDENTITY = env.BEELAB_AGE_IDENTITY;
    try {
      expect((await siteSecretLeaks(dir, files)).map((d) => d.code)).toEqual(['secrets/plaintext']);
      process.env.BEELAB_AGE_IDENTITY = join(dir, 'missing.key');
      expect((await siteSecretLeaks(dir, files)).map((d) => d.code)).toEqual(['secrets/unchecked']);
    } finally {
      if (saved === undefined) delete process.env.BEELAB_AGE_IDENTITY;
      else process.env.BEELAB_AGE_IDENTITY = saved;
    }
  });
});

describe('a secret a tool makes (talos-secrets: talosctl gen secrets)', () => {
  // talosctl cannot be installed here (no registry ships it); a stand-in on PATH writes the file it is told to,
  // so the real path runs: the argv, the private temporary file, the read, the encryption, the cleanup.
  const withPath = async <T>(path: string, fn: () => Promise<T>): Promise<T> => {
    const old = process.env.PATH;
    process.env.PATH = path;
    try {
      return await fn();
    } finally {
      process.env.PATH = old;
    }
  };

  it('is made by the tool, stored encrypted, and its temporary file is gone', async () => {
    const dir = tempSite();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const seen = join(dir, 'argv');
    writeFileSync(
      join(bin, 'talosctl'),
      `#!/bin/sh\necho "$@" > ${seen}\n[ "$1 $2 $3" = "gen secrets --output-file" ] || exit 3\nprintf 'cluster:\\n  id: abc\\n' > "$4"\n`,
      { mode: 0o755 },
    );
    const value = await withPath(`${bin}:/usr/bin:/bin`, () => produceSecret('talos-secrets'));
    expect(value).toBe('cluster:\n  id: abc\n');
    const argv = readFileSync(seen, 'utf8').trim().split(' ');
    expect(argv.slice(0, 3)).toEqual(['gen', 'secrets', '--output-file']);
    expect(existsSync(argv[3]!)).toBe(false);
    const site = { ...referenceSiteForSecrets(), admin: { sshKeys: [], ageRecipients: [recA] } };
    const { created, skipped } = await withPath(`${bin}:/usr/bin:/bin`, () =>
      ensureSecrets(site, SecretStore.open(dir)),
    );
    // The OPNsense API key and secret are issued by the firewall, never generated: they wait for the user.
    expect(skipped).toEqual([
      { name: 'firewall-api-key', why: expect.stringMatching(/^issued by OPNsense: .*beelab secrets set/) },
      { name: 'forgejo-runner-token', why: expect.stringMatching(/^issued by Forgejo .*beelab secrets set/) },
    ]);
    expect(created).toContain('talos-secrets');
    const id = await loadIdentity(keyFile(dir, keyA));
    expect(await SecretStore.open(dir).read('talos-secrets', id)).toBe('cluster:\n  id: abc\n');
  });

  it('without the tool: not created, the others are, and why is said', async () => {
    const dir = tempSite();
    const site = { ...referenceSiteForSecrets(), admin: { sshKeys: [], ageRecipients: [recA] } };
    const { created, skipped } = await withPath('/nonexistent', () =>
      ensureSecrets(site, SecretStore.open(dir)),
    );
    expect(skipped).toEqual([
      { name: 'firewall-api-key', why: expect.stringMatching(/^issued by OPNsense/) },
      { name: 'talos-secrets', why: expect.stringMatching(/^talosctl is not installed/) },
      { name: 'forgejo-runner-token', why: expect.stringMatching(/^issued by Forgejo/) },
      { name: 'cluster-apps-ca', why: expect.stringMatching(/^openssl is not installed/) },
    ]);
    expect(created).toContain('k3s-token');
    expect(SecretStore.open(dir).has('talos-secrets')).toBe(false);
  });
});
