// `beelab init` makes a git repository: the first commit holds everything rendered, .gitignore keeps
// plaintext secrets and local state out; an existing repository is left alone; no git is a clear message.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../test/support/tools.ts';
import { initSpec } from '../init/run.ts';
import { renderProject } from '../project/render.ts';
import { initRepository } from './repository.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'beelab-repo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const git = (dir: string, ...args: string[]) =>
  spawnSync('git', args, { cwd: dir, encoding: 'utf8' }).stdout.trim();
const sink = () => {
  const chunks: string[] = [];
  return {
    text: () => chunks.join(''),
    stream: { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream,
  };
};

describe('initRepository', () => {
  const dir = join(tmp, 'site');
  const out = sink();
  beforeAll(async () => {
    await initSpec(dir, { defaults: true }, { output: out.stream });
    await renderProject(dir);
  }, 60_000);

  it('makes the site a repository whose first commit holds every file, and nothing is left over', async (ctx) => {
    requireTool(ctx, 'git', 'apt-get install git');
    const r = await initRepository(dir, 'beelab', out.stream);
    expect(r.status).toBe('created');
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
    expect(git(dir, 'log', '-1', '--format=%s')).toBe('beelab: new site beelab');
    expect(git(dir, 'branch', '--show-current')).toBe('main');
    const tracked = git(dir, 'ls-files').split('\n');
    for (const f of [
      'beelab.yaml',
      'beelab.lock.yaml',
      'versions.yaml',
      '.beelab/manifest.json',
      '.gitignore',
      'renovate.json',
      '.forgejo/workflows/beelab.yml',
      '.github/workflows/beelab.yml',
      'network/opnsense/config.xml',
    ])
      expect(tracked).toContain(f);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(out.text()).toContain(`first commit ${r.commit}`);
  });

  it('ignores decrypted secrets, keys, the apply journal and logs, backups; not the encrypted secrets', (ctx) => {
    requireTool(ctx, 'git', 'apt-get install git');
    const local = [
      'secrets/k3s-token',
      'secrets/k3s-token.txt',
      'secrets/rotated/k3s-token',
      'age.key',
      '.beelab/journal.jsonl',
      '.beelab/logs/run-1/step.log',
      'beelab.yaml.bak',
      'ansible/site.yml.beelab-backup',
    ];
    const kept = ['secrets/k3s-token.age', 'secrets/rotated/k3s-token.1.age', 'secrets/index.json'];
    for (const f of [...local, ...kept]) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), 'x\n');
    }
    const untracked = git(dir, 'status', '--porcelain', '--untracked-files=all')
      .split('\n')
      .map((l) => l.slice(3))
      .sort();
    expect(untracked).toEqual([...kept].sort());
  });

  it('leaves a directory that already is in a repository alone', async (ctx) => {
    requireTool(ctx, 'git', 'apt-get install git');
    const again = sink();
    const r = await initRepository(join(dir, 'docs'), 'beelab', again.stream);
    expect(r.status).toBe('existing');
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
    expect(again.text()).toContain('already in the git repository');
  });
});

describe('beelab init and git (the CLI)', () => {
  // PATH without git (nor any validator tool, so the check after render is quick).
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/beelab.mjs'), ...args], {
      cwd: ROOT,
      input: '',
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, PATH: '/nonexistent' },
    });

  it('says git is missing, and how to go on, after writing the site', () => {
    const dir = join(tmp, 'no-git');
    const r = run('init', '--defaults', dir);
    expect(r.stderr).toContain('error: git is not installed');
    expect(r.stderr).toContain('apt-get install git');
    expect(r.stderr).toContain('beelab init --no-git');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(r.status).toBe(2);
    expect(existsSync(join(dir, 'renovate.json'))).toBe(true);
    expect(existsSync(join(dir, '.git'))).toBe(false);
  }, 120_000);

  it('--no-git renders without a repository', () => {
    const dir = join(tmp, 'opt-out');
    const r = run('init', '--defaults', '--no-git', dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, '.gitignore'))).toBe(true);
    expect(existsSync(join(dir, '.git'))).toBe(false);
  }, 120_000);
});
