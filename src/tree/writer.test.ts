import { existsSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  listFiles,
  modeOf,
  put,
  read,
  render,
  tempDir,
  userErrorOf,
} from '../../test/support/tree-fixtures.ts';
import { FileTree } from './file-tree.ts';
import { MANIFEST_PATH, readManifest, sha256 } from './manifest.ts';
import { hasChanges } from './write-plan.ts';
import { planTree, writeTree } from './writer.ts';

describe('writeTree', () => {
  it('writes nested files with their modes and a manifest of what it wrote', async () => {
    const dir = tempDir();
    const plan = await writeTree(dir, render());
    expect(plan.counts).toEqual({ added: 4, changed: 0, removed: 0, unchanged: 0, conflict: 0 });
    expect(read(dir, 'scripts/backup.sh')).toBe('#!/bin/sh\necho backup\n');
    expect(modeOf(dir, 'scripts/backup.sh')).toBe(0o755);
    expect(modeOf(dir, 'README.md')).toBe(0o644);
    const manifest = await readManifest(dir);
    expect([...manifest.keys()]).toEqual(
      render()
        .entries()
        .map(([p]) => p),
    );
    expect(manifest.get('README.md')).toEqual({ sha256: sha256('# Lab\n'), layer: 'devops', mode: 0o644 });
    expect(listFiles(dir).filter((f) => f.includes('beelab-tmp'))).toEqual([]);
  });

  it('second write changes nothing: same inodes, same mtimes, manifest untouched', async () => {
    const dir = tempDir();
    await writeTree(dir, render());
    const files = [
      ...render()
        .entries()
        .map(([p]) => p),
      MANIFEST_PATH,
    ];
    const past = new Date('2020-01-01T00:00:00Z');
    for (const f of files) utimesSync(join(dir, f), past, past);
    const before = files.map((f) => [statSync(join(dir, f)).ino, statSync(join(dir, f)).mtimeMs]);
    const plan = await writeTree(dir, render());
    expect(hasChanges(plan)).toBe(false);
    expect(plan.counts.unchanged).toBe(4);
    expect(files.map((f) => [statSync(join(dir, f)).ino, statSync(join(dir, f)).mtimeMs])).toEqual(before);
  });

  it('is deterministic: two renders into two folders give identical bytes, manifest included', async () => {
    const a = tempDir();
    const b = tempDir();
    await writeTree(a, render());
    await writeTree(b, render());
    expect(listFiles(a)).toEqual(listFiles(b));
    for (const f of listFiles(a).filter((x) => statSync(join(a, x)).isFile()))
      expect(read(a, f)).toBe(read(b, f));
  });

  it('rewrites changed files, applies mode changes, and removes stale ones, pruning empty folders', async () => {
    const dir = tempDir();
    await writeTree(dir, render({ 'monitoring/rules/old.yaml': 'x: 1\n', 'monitoring/keep.yaml': 'k: 1\n' }));
    put(dir, 'compose/notes.txt', 'my notes');
    const next = new FileTree()
      .add('ansible/inventory/hosts.yaml', 'all: {}\n', 'physical')
      .add('scripts/backup.sh', '#!/bin/sh\necho backup\n', 'backup', 0o700)
      .add('README.md', '# Lab\n', 'devops')
      .add('monitoring/keep.yaml', 'k: 1\n', 'observability');
    const plan = await writeTree(dir, next);
    const byPath = Object.fromEntries(plan.entries.map((e) => [e.path, [e.status, e.action]]));
    expect(byPath).toEqual({
      'README.md': ['unchanged', 'none'],
      'ansible/inventory/hosts.yaml': ['changed', 'write'],
      'compose/immich/compose.yaml': ['removed', 'remove'],
      'monitoring/keep.yaml': ['unchanged', 'none'],
      'monitoring/rules/old.yaml': ['removed', 'remove'],
      'scripts/backup.sh': ['changed', 'chmod'],
    });
    expect(read(dir, 'ansible/inventory/hosts.yaml')).toBe('all: {}\n');
    expect(modeOf(dir, 'scripts/backup.sh')).toBe(0o700);
    expect(existsSync(join(dir, 'monitoring/rules'))).toBe(false); // emptied, pruned
    expect(existsSync(join(dir, 'compose/immich'))).toBe(false);
    expect(read(dir, 'compose/notes.txt')).toBe('my notes'); // user file, and its folder, stay
    expect([...(await readManifest(dir)).keys()]).toEqual(next.entries().map(([p]) => p));
  });

  it('never removes a file the user created, wherever it is', async () => {
    const dir = tempDir();
    put(dir, 'mine.txt', 'a');
    put(dir, 'scripts/mine.sh', 'b');
    put(dir, 'beelab.yaml', 'site: {}\n');
    put(dir, 'beelab.lock.yaml', 'lock: {}\n');
    await writeTree(dir, render());
    await writeTree(dir, new FileTree());
    expect(listFiles(dir).filter((f) => statSync(join(dir, f)).isFile())).toEqual(
      ['.beelab/manifest.json', 'beelab.lock.yaml', 'beelab.yaml', 'mine.txt', 'scripts/mine.sh'].sort(),
    );
    expect(read(dir, 'beelab.yaml')).toBe('site: {}\n');
  });

  it('re-creates a generated file the user deleted and reports it as added', async () => {
    const dir = tempDir();
    await writeTree(dir, render());
    rmSync(join(dir, 'README.md'));
    const plan = await writeTree(dir, render());
    expect(plan.entries.find((e) => e.path === 'README.md')).toMatchObject({
      status: 'added',
      action: 'create',
    });
    expect(read(dir, 'README.md')).toBe('# Lab\n');
  });

  it('stops on a hand-edited file, names it, says how to resolve, and writes nothing', async () => {
    const dir = tempDir();
    await writeTree(dir, render());
    put(dir, 'README.md', '# My lab\n');
    const manifestBefore = read(dir, MANIFEST_PATH);
    const err = await userErrorOf(writeTree(dir, render({ 'new/file.yaml': 'n: 1\n' })));
    expect(err.message).toBe('1 generated file(s) were changed outside Beelab; nothing was written');
    const text = err.details.join('\n');
    expect(text).toContain('! README.md: edited by hand since Beelab wrote it; rendering would overwrite it');
    expect(text).toContain('overrides/');
    expect(text).toContain('--force');
    expect(read(dir, 'README.md')).toBe('# My lab\n');
    expect(existsSync(join(dir, 'new/file.yaml'))).toBe(false);
    expect(read(dir, MANIFEST_PATH)).toBe(manifestBefore);
  });

  it('treats an existing file Beelab never wrote as a conflict too', async () => {
    const dir = tempDir();
    put(dir, 'README.md', '# hand-written\n');
    const err = await userErrorOf(writeTree(dir, render()));
    expect(err.details.join('\n')).toContain('! README.md: exists but Beelab did not write it');
    expect(existsSync(join(dir, MANIFEST_PATH))).toBe(false);
  });

  it('reports a hand-edited stale file as a conflict instead of removing it', async () => {
    const dir = tempDir();
    await writeTree(dir, render({ 'old/x.yaml': 'x: 1\n' }));
    put(dir, 'old/x.yaml', 'x: 2 # mine\n');
    const err = await userErrorOf(writeTree(dir, render()));
    expect(err.details.join('\n')).toContain(
      '! old/x.yaml: edited by hand since Beelab wrote it; rendering would remove it',
    );
    expect(read(dir, 'old/x.yaml')).toBe('x: 2 # mine\n');
  });

  it('--force backs every edited file up before overwriting or removing it, never clobbering a backup', async () => {
    const dir = tempDir();
    await writeTree(dir, render({ 'old/x.yaml': 'x: 1\n' }));
    put(dir, 'README.md', '# edit 1\n');
    put(dir, 'old/x.yaml', 'x: 2\n');
    const result = await writeTree(dir, render(), { force: true });
    expect(result.backups).toEqual([
      { path: 'README.md', backup: 'README.md.beelab-backup' },
      { path: 'old/x.yaml', backup: 'old/x.yaml.beelab-backup' },
    ]);
    expect(read(dir, 'README.md')).toBe('# Lab\n');
    expect(read(dir, 'README.md.beelab-backup')).toBe('# edit 1\n');
    expect(existsSync(join(dir, 'old/x.yaml'))).toBe(false);
    expect(read(dir, 'old/x.yaml.beelab-backup')).toBe('x: 2\n'); // and its folder stays for it
    put(dir, 'README.md', '# edit 2\n');
    await writeTree(dir, render(), { force: true });
    expect(read(dir, 'README.md.beelab-backup')).toBe('# edit 1\n');
    expect(read(dir, 'README.md.beelab-backup.1')).toBe('# edit 2\n');
    // Backups are the user's files now: later renders leave them alone.
    expect(hasChanges(await writeTree(dir, render()))).toBe(false);
    expect(existsSync(join(dir, 'README.md.beelab-backup.1'))).toBe(true);
  });

  it('handles a file that becomes a folder', async () => {
    const dir = tempDir();
    await writeTree(dir, new FileTree().add('grafana', 'was a file\n', 'observability'));
    await writeTree(dir, new FileTree().add('grafana/dash.json', '{}\n', 'observability'));
    expect(read(dir, 'grafana/dash.json')).toBe('{}\n');
  });

  it('refuses, before writing anything, when a user file sits where a folder is needed', async () => {
    const dir = tempDir();
    put(dir, 'grafana', 'mine');
    const err = await userErrorOf(writeTree(dir, render({ 'grafana/dash.json': '{}\n' })));
    expect(err.details.join('\n')).toContain(
      'grafana is a file, but Beelab needs a folder there for grafana/dash.json',
    );
    expect(existsSync(join(dir, 'README.md'))).toBe(false);
  });

  it('refuses a tree that would write a protected path', async () => {
    const dir = tempDir();
    for (const p of [
      'beelab.yaml',
      'beelab.lock.yaml',
      'overrides/x.yaml',
      '.git/config',
      '.beelab/manifest.json',
    ]) {
      await expect(writeTree(dir, new FileTree().add(p, 'x', 'devops'))).rejects.toThrow('protected path');
    }
    expect(readdirSync(dir)).toEqual([]);
    await writeTree(dir, new FileTree().add('.beelab/beelab.schema.json', '{}\n', 'devops'));
    expect(read(dir, '.beelab/beelab.schema.json')).toBe('{}\n');
  });
});

describe('planTree', () => {
  it('shows what writeTree would do and writes nothing', async () => {
    const dir = tempDir();
    const plan = await planTree(dir, render());
    expect(plan.counts.added).toBe(4);
    expect(readdirSync(dir)).toEqual([]);
    await writeTree(dir, render());
    put(dir, 'README.md', 'edited\n');
    const later = await planTree(dir, render({ 'x.yaml': 'x: 1\n' }));
    expect(later.entries.filter((e) => e.status !== 'unchanged').map((e) => [e.path, e.status])).toEqual([
      ['README.md', 'conflict'],
      ['x.yaml', 'added'],
    ]);
    expect(read(dir, 'README.md')).toBe('edited\n');
  });
});
