// Temp-folder fixtures for the writer tests: each folder is removed after its test.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { FileTree } from '../../src/tree/file-tree.ts';
import { toYaml } from '../../src/tree/serialize/yaml.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'beelab-writer-'));
  dirs.push(dir);
  return dir;
}

export function put(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

export const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
export const modeOf = (dir: string, path: string) => statSync(join(dir, path)).mode & 0o777;

export function render(extra: Record<string, string> = {}): FileTree {
  const tree = new FileTree()
    .add(
      'ansible/inventory/hosts.yaml',
      toYaml({ all: { hosts: { pve1: { ansible_host: '10.0.10.11' } } } }),
      'physical',
    )
    .add(
      'compose/immich/compose.yaml',
      toYaml({ services: { immich: { image: 'immich:v1', ports: ['2283:2283'] } } }),
      'orchestration',
    )
    .add('scripts/backup.sh', '#!/bin/sh\necho backup\n', 'backup', 0o755)
    .add('README.md', '# Lab\n', 'devops');
  for (const [path, content] of Object.entries(extra)) tree.add(path, content, 'observability');
  return tree;
}

export async function userErrorOf(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

export function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}
