// `beelab commit [dir]`: render, then record the change as one commit per tool scope with messages from the
// difference between the committed Site and the new one. --dry-run renders into a scratch copy and commits
// nothing. Refuses when the working tree holds changes Beelab did not make, naming them.
import { cp, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { UserError } from '../errors.ts';
import { specDiff } from '../init/spec-diff.ts';
import { LOCK_FILE, SPEC_FILE } from '../project/files.ts';
import { loadProject } from '../project/load.ts';
import { renderProject } from '../project/render.ts';
import { VERSIONS_FILE } from '../project/versions-file.ts';
import type { Site } from '../site/types.ts';
import { withTierDefaults } from '../spec/tiers.ts';
import { MANIFEST_PATH, readManifest } from '../tree/manifest.ts';
import { OVERRIDES_DIR } from '../tree/overrides.ts';
import { type ChangedFile, type PlannedCommit, planCommits } from './commit-plan.ts';
import { type Git, gitIn, identityArgs, repositoryRoot, requireGit } from './git.ts';
import { siteChanges } from './site-changes.ts';

export interface CommitOptions {
  dryRun?: boolean;
}

export interface CommitResult {
  commits: (PlannedCommit & { hash?: string })[];
}

/** git's empty tree: what an unborn branch is compared with. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** The user's own inputs: changing them is what `beelab commit` is for. */
function isInput(path: string): boolean {
  return (
    path === SPEC_FILE ||
    path === VERSIONS_FILE ||
    path === LOCK_FILE ||
    path === MANIFEST_PATH ||
    path.startsWith(`${OVERRIDES_DIR}/`)
  );
}

/** A path `git status` reports, site-relative, and whether it is gone from the working tree. */
interface TreeChange {
  path: string;
  deleted: boolean;
}

/** `git status` entries under `prefix`: paths that differ from HEAD or the index, untracked included. */
async function changedInTree(git: Git, prefix: string): Promise<TreeChange[]> {
  const out = await git.run(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', prefix || '.']);
  const changes: TreeChange[] = [];
  const fields = out.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length < 4) continue;
    const path = f.slice(3);
    changes.push({
      path: prefix ? relative(prefix, path) : path,
      deleted: f[1] === 'D' || (f[0] === 'D' && f[1] === ' '),
    });
    if (f[0] === 'R' || f[0] === 'C') i++; // a rename's source follows
  }
  return changes;
}

/** The Site as HEAD has it, loaded from its beelab.yaml, lock and versions.yaml; undefined when there is none. */
async function headSite(
  git: Git,
  prefix: string,
  head: string,
): Promise<{ site: Site; spec: unknown } | undefined> {
  if (head === EMPTY_TREE) return undefined;
  const show = (file: string) => git.tryRun(['show', `${head}:${prefix ? `${prefix}/` : ''}${file}`]);
  const spec = await show(SPEC_FILE);
  if (spec === undefined) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'beelab-head-'));
  try {
    await writeFile(join(dir, SPEC_FILE), spec);
    for (const f of [LOCK_FILE, VERSIONS_FILE]) {
      const text = await show(f);
      if (text !== undefined) await writeFile(join(dir, f), text);
    }
    const p = await loadProject(dir, { newLock: true });
    return { site: p.site, spec: withTierDefaults(p.spec) };
  } catch {
    // A committed beelab.yaml this Beelab cannot read: the commits then say what changed by file.
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Refuses when a changed file is neither an input nor something Beelab wrote (or will write), naming each: a
 * hand edit, a file Beelab never wrote, a generated file deleted by hand (render would bring it back). A
 * generated file Beelab no longer renders may be gone already: that is what render would do.
 */
async function assertOnlyOurs(dir: string, before: readonly TreeChange[]): Promise<void> {
  const plan = await renderProject(dir, { dryRun: true });
  const ours = new Map(plan.plan.entries.map((e) => [e.path, e]));
  const manifest = await readManifest(dir);
  const foreign: string[] = [];
  for (const { path, deleted } of before) {
    if (isInput(path)) continue;
    const entry = ours.get(path);
    if (!entry) {
      if (!(deleted && manifest.has(path))) foreign.push(`  ${path}: not a file Beelab generates`);
    } else if (deleted && entry.action === 'create')
      foreign.push(
        `  ${path}: deleted by hand, but beelab.yaml still renders it (\`git checkout -- ${path}\` brings it back)`,
      );
    else if (entry.status === 'conflict')
      foreign.push(`  ${path}: ${entry.reason === 'untracked' ? 'not written by Beelab' : 'edited by hand'}`);
  }
  if (foreign.length > 0)
    throw new UserError(
      `the working tree has ${foreign.length} change(s) Beelab did not make; nothing was rendered or committed`,
      [
        ...foreign,
        '  hint: commit them yourself, or set them aside with `git stash --include-untracked`; then run beelab commit again',
        '  hint: to keep a change to a generated file, put it in overrides/ (docs/overrides.md)',
      ],
    );
}

export async function commitSite(
  dirArg: string,
  options: CommitOptions = {},
  out: NodeJS.WritableStream = process.stdout,
): Promise<CommitResult> {
  const executable = requireGit();
  const dir = await realpath(dirArg).catch(() => {
    throw new UserError(`no directory ${dirArg}`);
  });
  const root = await repositoryRoot(dir, executable);
  if (!root)
    throw new UserError(`${dir} is not in a git repository`, [
      '  hint: `beelab init` makes the site directory a repository; or run `git init` there',
    ]);
  const prefix = relative(await realpath(root), dir);
  const git = gitIn(root, executable);
  const head = (await git.tryRun(['rev-parse', '--verify', '--quiet', 'HEAD']))?.trim() || EMPTY_TREE;

  await assertOnlyOurs(dir, await changedInTree(git, prefix));
  const old = await headSite(git, prefix, head);

  // Render where the change is measured: the site itself, or a scratch copy with its own index.
  let work = dir;
  let scratch: string | undefined;
  let scratchGit: Git | undefined;
  if (options.dryRun) {
    scratch = await mkdtemp(join(tmpdir(), 'beelab-commit-'));
    work = join(scratch, 'tree', prefix);
    await mkdir(work, { recursive: true });
    await cp(dir, work, { recursive: true, filter: (src) => !src.split('/').includes('.git') });
    const gitPath = async (what: string) =>
      (
        await git.run([
          'rev-parse',
          '--path-format=absolute',
          what === 'dir' ? '--git-dir' : '--git-path',
          ...(what === 'dir' ? [] : [what]),
        ])
      ).trim();
    await cp(await gitPath('index'), join(scratch, 'index')).catch(() => undefined);
    scratchGit = withEnv(gitIn(join(scratch, 'tree'), executable), {
      GIT_DIR: await gitPath('dir'),
      GIT_WORK_TREE: join(scratch, 'tree'),
      GIT_INDEX_FILE: join(scratch, 'index'),
    });
  }
  try {
    const rendered = await renderProject(work, {});
    const g = scratchGit ?? git;
    const spec = prefix || '.';
    await g.run(['add', '--all', '--', spec]);
    const names = await g.run(['diff', '--cached', '--name-only', '-z', '--no-renames', head, '--', spec]);
    const paths = names
      .split('\0')
      .filter(Boolean)
      .map((p) => (prefix ? relative(prefix, p) : p));
    if (paths.length === 0) {
      out.write('Nothing to commit: the repository already matches beelab.yaml.\n');
      return { commits: [] };
    }
    const files: ChangedFile[] = [];
    for (const path of paths) {
      const repoPath = prefix ? `${prefix}/${path}` : path;
      const before = head === EMPTY_TREE ? undefined : await git.tryRun(['show', `${head}:${repoPath}`]);
      const after = await readFile(join(work, path), 'utf8').catch(() => undefined);
      files.push({
        path,
        ...(before !== undefined ? { before } : {}),
        ...(after !== undefined ? { after } : {}),
      });
    }
    const changes = old ? siteChanges(old.site, rendered.project.site) : [];
    const specLines = old ? specDiff(old.spec, withTierDefaults(rendered.project.spec)) : [];
    const commits: CommitResult['commits'] = planCommits(files, changes, specLines);
    if (options.dryRun) {
      out.write(`Would make ${commits.length} commit(s):\n\n`);
      for (const c of commits) out.write(`${c.subject}\n\n${indent(c.body)}\n\n`);
      return { commits };
    }
    const who = await identityArgs(git);
    for (const c of commits) {
      const pathspecs = c.files.map((f) => (prefix ? `${prefix}/${f}` : f));
      await git.run([...who, 'commit', '--quiet', '--no-verify', '--file=-', '--only', '--', ...pathspecs], {
        input: `${c.subject}\n\n${c.body}\n`,
      });
      c.hash = (await git.run(['rev-parse', '--short', 'HEAD'])).trim();
      out.write(`${c.hash} ${c.subject}\n`);
    }
    return { commits };
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');
}

/** The same Git with extra environment (a scratch index and work tree for --dry-run). */
function withEnv(git: Git, env: Record<string, string>): Git {
  return {
    dir: git.dir,
    run: (args, opts) => git.run(args, { ...opts, env: { ...env, ...opts?.env } }),
    tryRun: (args) => git.run(args, { env }).catch(() => undefined),
  };
}
