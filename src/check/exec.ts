// Runs a validator's tool in the site directory, killed when the runner aborts it; never throws on a non-zero exit.
import { isAbsolute, relative } from 'node:path';
import { execa } from 'execa';
import type { ValidatorContext } from './validator.ts';

export interface ToolOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// Plain, uncoloured, English output that the parsers can read.
const QUIET_ENV = {
  LC_ALL: 'C.UTF-8',
  NO_COLOR: '1',
  PY_COLORS: '0',
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_FORCE_COLOR: '0',
};

/**
 * Runs `command` (default: the validator's resolved tool) with cwd = the site dir.
 * Throws only when the process cannot start or was aborted; the runner turns that into a failed result.
 */
export async function runTool(
  ctx: Pick<ValidatorContext, 'dir' | 'signal' | 'toolPath'>,
  args: readonly string[],
  opts: { command?: string; env?: Record<string, string> } = {},
): Promise<ToolOutput> {
  const command = opts.command ?? ctx.toolPath;
  if (!command) throw new Error('runTool: no command (the validator declares no tool)');
  const r = await execa(command, args, {
    cwd: ctx.dir,
    env: { ...QUIET_ENV, ...opts.env },
    reject: false,
    stdin: 'ignore',
    cancelSignal: ctx.signal,
    forceKillAfterDelay: 2000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.isCanceled) throw new Error(`${command} was cancelled`);
  if (r.exitCode === undefined) throw new Error(r.shortMessage);
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** A path as a tool printed it, made site-relative: `./a/b.yml` and `/abs/site/a/b.yml` become `a/b.yml`. */
export function siteRelative(dir: string, file: string): string {
  const rel = isAbsolute(file) ? relative(dir, file) : file;
  return rel.replace(/^(\.\/)+/, '');
}

/**
 * Runs a validator's tool that is a Node script from npm (`#!/usr/bin/env node`) with the Node that runs
 * Beelab, so it works where `node` is not on PATH (a service account, a minimal CI image).
 */
export function runNodeTool(
  ctx: Pick<ValidatorContext, 'dir' | 'signal' | 'toolPath'>,
  args: readonly string[],
  env?: Record<string, string>,
): Promise<ToolOutput> {
  if (!ctx.toolPath) throw new Error('runNodeTool: the validator declares no tool');
  return runTool(ctx, [ctx.toolPath, ...args], { command: process.execPath, ...(env ? { env } : {}) });
}
