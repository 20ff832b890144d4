import { existsSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modeOf, put, read, render, tempDir, userErrorOf } from '../../test/support/tree-fixtures.ts';
import { readOverrideFiles } from './disk.ts';
import { FileTree } from './file-tree.ts';
import { readManifest, sha256 } from './manifest.ts';
import { writeTree } from './writer.ts';

describe('overrides through the writer', () => {
  it('replace, merge and append survive re-rendering, and Beelab records the overridden bytes', async () => {
    const dir = tempDir();
    await writeTree(dir, render());
    put(dir, 'overrides/README.md', '# Our lab, our words\n');
    put(
      dir,
      'overrides/compose/immich/compose.yaml.merge.yaml',
      'services:\n  immich:\n    ports: ["8080:2283"]\n',
    );
    put(dir, 'overrides/scripts/backup.sh.append', 'echo "and my extra step"\n');
    const check = () => {
      expect(read(dir, 'README.md')).toBe('# Our lab, our words\n');
      expect(read(dir, 'compose/immich/compose.yaml')).toBe(
        'services:\n  immich:\n    image: immich:v1\n    ports:\n      - 8080:2283\n',
      );
      expect(read(dir, 'scripts/backup.sh')).toBe('#!/bin/sh\necho backup\necho "and my extra step"\n');
      expect(modeOf(dir, 'scripts/backup.sh')).toBe(0o755);
    };
    const first = await writeTree(dir, render());
    expect(first.counts).toMatchObject({ changed: 3, conflict: 0 });
    check();
    // Re-render (e.g. after editing beelab.yaml): no conflict, nothing lost, nothing rewritten.
    const again = await writeTree(dir, render({ 'extra.yaml': 'e: 1\n' }));
    expect(again.counts).toMatchObject({ added: 1, changed: 0, conflict: 0 });
    check();
    expect((await readManifest(dir)).get('README.md')!.sha256).toBe(sha256('# Our lab, our words\n'));
    // Removing an override brings the generated file back, as an ordinary change.
    rmSync(join(dir, 'overrides/README.md'));
    const back = await writeTree(dir, render({ 'extra.yaml': 'e: 1\n' }));
    expect(back.entries.find((e) => e.path === 'README.md')?.status).toBe('changed');
    expect(read(dir, 'README.md')).toBe('# Lab\n');
  });

  it('moving a hand edit into overrides/ resolves the conflict without --force', async () => {
    const dir = tempDir();
    await writeTree(dir, render());
    put(dir, 'README.md', '# Lab\n\nOur notes.\n');
    await expect(writeTree(dir, render())).rejects.toThrow('changed outside Beelab');
    put(dir, 'overrides/README.md.append', '\nOur notes.\n');
    const plan = await writeTree(dir, render());
    expect(plan.counts).toMatchObject({ conflict: 0, changed: 0, unchanged: 4 });
    expect(read(dir, 'README.md')).toBe('# Lab\n\nOur notes.\n');
    expect((await readManifest(dir)).get('README.md')!.sha256).toBe(sha256('# Lab\n\nOur notes.\n'));
  });

  it('an override of a path the tree does not generate is an error naming the override file', async () => {
    const dir = tempDir();
    put(dir, 'overrides/READNE.md', 'typo');
    put(dir, 'overrides/.gitkeep', '');
    const err = await userErrorOf(writeTree(dir, render()));
    expect(err.details.join('\n')).toContain('overrides/READNE.md: Beelab does not generate READNE.md');
    expect(existsSync(join(dir, 'README.md'))).toBe(false);
  });

  it('the writer never touches overrides/', async () => {
    const dir = tempDir();
    put(dir, 'overrides/README.md', 'mine\n');
    await writeTree(dir, render());
    put(dir, 'README.md', 'edited');
    await writeTree(dir, render({ 'other.txt': 'o\n' }), { force: true });
    expect(read(dir, 'overrides/README.md')).toBe('mine\n');
    expect(readdirSync(join(dir, 'overrides'))).toEqual(['README.md']);
    // Once the tree stops generating the target, the override is an error rather than silently dead.
    await expect(writeTree(dir, new FileTree().add('other.txt', 'o\n', 'devops'))).rejects.toThrow(
      'cannot be applied',
    );
  });
});

describe('readOverrideFiles', () => {
  it('reads nested and dot files, follows file links, skips .gitkeep, refuses folder links', async () => {
    const dir = tempDir();
    expect((await readOverrideFiles(dir)).size).toBe(0);
    put(dir, 'overrides/.github/workflows/ci.yaml.merge.yaml', 'a: 1\n');
    put(dir, 'overrides/.gitkeep', '');
    put(dir, 'shared.txt', 'shared\n');
    symlinkSync(join(dir, 'shared.txt'), join(dir, 'overrides/README.md'));
    expect([...(await readOverrideFiles(dir)).entries()]).toEqual([
      ['.github/workflows/ci.yaml.merge.yaml', 'a: 1\n'],
      ['README.md', 'shared\n'],
    ]);
    symlinkSync(join(dir, 'overrides'), join(dir, 'overrides/loop'));
    await expect(readOverrideFiles(dir)).rejects.toThrow('overrides/loop is a symbolic link to a folder');
  });
});
