import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { FileTree } from './file-tree.ts';
import { manifestOf, parseManifest, readManifest, serializeManifest, sha256 } from './manifest.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('manifest', () => {
  const tree = new FileTree()
    .add('z/run.sh', '#!/bin/sh\n', 'backup', 0o755)
    .add('a.yaml', 'a: 1\n', 'network')
    .add('m/é.txt', 'café\n', 'ai');

  it('records sha256 of the bytes, layer and mode, sorted and stable', () => {
    const text = serializeManifest(manifestOf(tree));
    expect(text).toBe(
      `${JSON.stringify(
        {
          files: {
            'a.yaml': { layer: 'network', mode: '0644', sha256: sha256('a: 1\n') },
            'm/é.txt': { layer: 'ai', mode: '0644', sha256: sha256(Buffer.from('café\n', 'utf8')) },
            'z/run.sh': { layer: 'backup', mode: '0755', sha256: sha256('#!/bin/sh\n') },
          },
          version: 1,
        },
        null,
        2,
      )}\n`,
    );
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(parseManifest(text)).toEqual(manifestOf(tree));
  });

  it('reads a missing manifest as empty and a present one as written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beelab-manifest-'));
    dirs.push(dir);
    expect((await readManifest(dir)).size).toBe(0);
    mkdirSync(join(dir, '.beelab'));
    writeFileSync(join(dir, '.beelab/manifest.json'), serializeManifest(manifestOf(tree)));
    expect(await readManifest(dir)).toEqual(manifestOf(tree));
  });

  it.each([
    ['{', 'JSON'],
    ['{"version":2,"files":{}}', 'version'],
    ['{"version":1,"files":{"a":{"layer":"nope","mode":"0644","sha256":"x"}}}', 'files.a.layer'],
    [
      `{"version":1,"files":{"../etc/passwd":{"layer":"ai","mode":"0644","sha256":"${'0'.repeat(64)}"}}}`,
      'not a path Beelab may manage',
    ],
    [
      `{"version":1,"files":{"beelab.yaml":{"layer":"ai","mode":"0644","sha256":"${'0'.repeat(64)}"}}}`,
      'not a path Beelab may manage',
    ],
    [
      `{"version":1,"files":{"overrides/x":{"layer":"ai","mode":"0644","sha256":"${'0'.repeat(64)}"}}}`,
      'not a path Beelab may manage',
    ],
  ])('refuses a corrupt or tampered manifest %s', (text, fragment) => {
    let err: unknown;
    try {
      parseManifest(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect([(err as UserError).message, ...(err as UserError).details].join('\n')).toContain(fragment);
  });
});
