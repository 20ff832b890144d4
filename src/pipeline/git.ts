// The git command, run in the site directory: the one place Beelab talks to git (init, commit, status).
import { execa } from 'execa';
import { findTool } from '../check/tool-path.ts';
import { UserError } from '../errors.ts';

export const GIT_INSTALL_HINT = 'apt-get install git (or your system’s git package)';

/** Who commits when git has no user.name / user.email configured (a fresh machine, a CI container). */
export const FALLBACK_IDENTITY = { name: 'Beelab', email: 'beelab@localhost' };

export interface Git {
  /** The repository's top-level directory. */
  readonly dir: string;
  /** Runs `git ARGS` in dir; returns stdout. A failure is a UserError quoting git. */
  run(args: readonly string[], opts?: { input?: string; env?: Record<string, string> }): Promise<string>;
  /** Like run, but returns undefined instead of throwing when git exits non-zero. */
  tryRun(args: readonly string[]): Promise<string | undefined>;
}

/** The git executable, or a UserError saying how to get it (and how to go on without it, when there is a way). */
export function requireGit(withoutIt?: string): string {
  const git = findTool('git');
  if (git) return git;
  throw new UserError('git is not installed, and Beelab keeps the site repository in git', [
    `  hint: ${GIT_INSTALL_HINT}`,
    ...(withoutIt ? [`  hint: ${withoutIt}`] : []),
  ]);
}

/** A Git bound to `dir` (which need not be a repository yet: `git init` runs through it too). */
export function gitIn(dir: string, executable = requireGit()): Git {
  const exec = async (args: readonly string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
    execa(executable, args, {
      cwd: dir,
      reject: false,
      // English messages we can quote; no pager, no editor, never a prompt for credentials.
      env: { LC_ALL: 'C', GIT_PAGER: 'cat', GIT_EDITOR: 'true', GIT_TERMINAL_PROMPT: '0', ...opts.env },
      ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
      stripFinalNewline: false,
      maxBuffer: 256 * 1024 * 1024,
    });
  return {
    dir,
    async run(args, opts) {
      const r = await exec(args, opts);
      if (r.exitCode !== 0)
        throw new UserError(`git ${args[0]} failed in ${dir} (exit ${r.exitCode})`, [
          ...String(r.stderr || r.stdout)
            .trim()
            .split('\n')
            .slice(-8)
            .map((l) => `  ${l}`),
        ]);
      return String(r.stdout);
    },
    async tryRun(args) {
      const r = await exec(args);
      return r.exitCode === 0 ? String(r.stdout) : undefined;
    },
  };
}

/** The top-level directory of the repository holding `dir`, or undefined when dir is in none. */
export async function repositoryRoot(dir: string, executable = requireGit()): Promise<string | undefined> {
  const out = await gitIn(dir, executable).tryRun(['rev-parse', '--show-toplevel']);
  return out?.trim() || undefined;
}

/** `-c user.name=… -c user.email=…` when git has no identity configured, so a commit never stops on it. */
export async function identityArgs(git: Git): Promise<string[]> {
  const email = (await git.tryRun(['config', 'user.email']))?.trim();
  const name = (await git.tryRun(['config', 'user.name']))?.trim();
  if (email && name) return [];
  return [
    '-c',
    `user.name=${name || FALLBACK_IDENTITY.name}`,
    '-c',
    `user.email=${email || FALLBACK_IDENTITY.email}`,
  ];
}
