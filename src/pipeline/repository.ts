// `beelab init` makes the site directory a git repository: git init, the rendered files, the first commit.
import { realpath } from 'node:fs/promises';
import { BEELAB_VERSION } from '../kernel/package-info.ts';
import { BEELAB_SCOPE } from '../layers/devops/scopes.ts';
import { gitIn, identityArgs, repositoryRoot, requireGit } from './git.ts';

export interface RepositoryResult {
  /** created: a new repository with its first commit; existing: dir already was in one (nothing committed). */
  status: 'created' | 'existing';
  root: string;
  /** The first commit's hash when created. */
  commit?: string;
}

/** The first commit's message: the site, and that every file in it is what Beelab rendered. */
export function firstCommitMessage(site: string): string {
  return [
    `${BEELAB_SCOPE}: new site ${site}`,
    '',
    `beelab.yaml and everything rendered from it by Beelab ${BEELAB_VERSION}.`,
    'From here on, `beelab commit` records each change as commits per tool.',
    '',
  ].join('\n');
}

/**
 * Makes `dir` a git repository with everything in it as the first commit. A directory that already is in a
 * repository is left alone: its history is the user's, and `beelab commit` records changes there.
 */
export async function initRepository(
  dir: string,
  site: string,
  out: NodeJS.WritableStream,
): Promise<RepositoryResult> {
  const executable = requireGit(
    'or run `beelab init --no-git` and put the directory under version control yourself',
  );
  const existing = await repositoryRoot(dir, executable);
  if (existing) {
    out.write(
      `${dir} is already in the git repository ${existing}; record changes with \`beelab commit\`.\n`,
    );
    return { status: 'existing', root: existing };
  }
  const git = gitIn(dir, executable);
  await git.run(['init', '--quiet', '--initial-branch=main']);
  await git.run(['add', '--all']);
  const who = await identityArgs(git);
  await git.run([...who, 'commit', '--quiet', '--no-verify', '--file=-'], {
    input: firstCommitMessage(site),
  });
  const commit = (await git.run(['rev-parse', '--short', 'HEAD'])).trim();
  const root = await realpath(dir);
  out.write(
    `Made ${root} a git repository: first commit ${commit} (${firstCommitMessage(site).split('\n')[0]}).\n`,
  );
  if (who.length > 0)
    out.write(
      '  git has no user.name/user.email here, so Beelab committed as Beelab <beelab@localhost>;\n  set yours with `git config --global user.name …` and `git config --global user.email …`.\n',
    );
  return { status: 'created', root, commit };
}
