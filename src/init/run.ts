// `beelab init [dir]`: collect answers (terminal, --answers or --defaults), write beelab.yaml safely, then render.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { confirm } from '@inquirer/prompts';
import { ExitError, UserError } from '../errors.ts';
import { SPEC_FILE } from '../project/files.ts';
import { assertValid } from '../project/load.ts';
import { parseSiteSpec } from '../project/spec.ts';
import type { Spec } from '../spec/schema.ts';
import { withTierDefaults } from '../spec/tiers.ts';
import type { Answers } from './answers.ts';
import { askAnswers, type PromptIO } from './interactive.ts';
import { loadAnswersFile } from './load-answers.ts';
import { answersToSpec, defaultAnswers, specToAnswers } from './spec-answers.ts';
import { specDiff } from './spec-diff.ts';
import { writeSpecYaml } from './spec-yaml.ts';

/** Options of `beelab init`. */
export interface InitOptions {
  /** Take every default: the reference build in a new directory, the current values in an existing one. */
  defaults?: boolean;
  /** Take the answers from this YAML file; what it leaves out takes the defaults. */
  answers?: string;
  /** Replace an existing beelab.yaml that the answers change without asking (the old one goes to .bak). */
  force?: boolean;
  /** Render and check after writing beelab.yaml. Default true. */
  render?: boolean;
  /** Runs after rendering (and before a failed check is reported): the CLI makes the git repository here. */
  afterRender?: (result: InitResult, out: NodeJS.WritableStream) => Promise<void>;
  /** Whether stdin is a terminal; process.stdin.isTTY when omitted (tests pass streams instead). */
  interactive?: boolean;
}

export const NO_TTY_MESSAGE =
  'beelab init asks questions, but stdin is not a terminal, so there is no one to ask';
export const NO_TTY_HINTS = [
  '  hint: `beelab init --defaults DIR` writes the reference build (or keeps the current values of DIR)',
  '  hint: `beelab init --answers answers.yaml DIR` takes the answers from a file (see examples/answers.yaml)',
];

/** What init did, for callers and tests. */
export interface InitResult {
  dir: string;
  spec: Spec;
  /** written: new file; replaced: changed an existing one (old kept as .bak); unchanged: left as it was. */
  file: 'written' | 'replaced' | 'unchanged';
}

interface Existing {
  /** The file as it is on disk, for the .bak copy. */
  bytes: Uint8Array;
  /** Absent when the file is invalid and --force lets init start over. */
  spec?: Spec;
}

async function readExisting(path: string, force: boolean): Promise<Existing | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // Bytes, as render reads them: the same encoding checks (a BOM and CRLF are normalised in `text`).
  const parsed = parseSiteSpec(bytes, SPEC_FILE);
  if (parsed.spec && !parsed.diagnostics.some((d) => d.severity === 'error'))
    return { bytes, spec: parsed.spec };
  if (force) return { bytes };
  try {
    assertValid(parsed.diagnostics, SPEC_FILE);
  } catch (err) {
    if (err instanceof UserError) {
      throw new UserError(`${err.message}; init offers its current values as defaults, so fix it first`, [
        ...err.details,
        `  hint: or run with --force to start from the tier defaults (the old file is kept as ${SPEC_FILE}.bak)`,
      ]);
    }
    throw err;
  }
  return { bytes };
}

async function getAnswers(existing: Spec | undefined, options: InitOptions, io: PromptIO): Promise<Answers> {
  if (options.answers) return loadAnswersFile(options.answers, existing);
  if (options.defaults) return existing ? specToAnswers(existing) : defaultAnswers('reference');
  if (!(options.interactive ?? process.stdin.isTTY === true))
    throw new UserError(NO_TTY_MESSAGE, NO_TTY_HINTS);
  return askAnswers(existing, io);
}

/** Writes through a temporary file, so an interrupted init never leaves half a beelab.yaml. */
async function writeAtomic(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

function isPromptExit(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}

/** Runs init up to and including writing beelab.yaml; rendering is the caller's next line. */
export async function initSpec(
  dirArg: string,
  options: InitOptions = {},
  io: PromptIO = {},
): Promise<InitResult> {
  const out = io.output ?? process.stdout;
  const dir = resolve(dirArg);
  const path = join(dir, SPEC_FILE);
  const existing = await readExisting(path, options.force ?? false);
  let answers: Answers;
  try {
    answers = await getAnswers(existing?.spec, options, io);
  } catch (err) {
    if (isPromptExit(err)) throw new UserError('init cancelled; nothing was written', [], 130);
    throw err;
  }
  const spec = answersToSpec(answers, existing?.spec);
  const text = writeSpecYaml(spec);
  // The rules see what we are about to write; an error here means two answers contradict each other.
  assertValid(parseSiteSpec(text, SPEC_FILE).diagnostics, `the answers for ${SPEC_FILE}`);

  if (existing?.spec && isDeepStrictEqual(withTierDefaults(existing.spec), spec)) {
    out.write(`${SPEC_FILE} already says this; left as it is.\n`);
    return { dir, spec, file: 'unchanged' };
  }
  if (existing) {
    const changes = existing.spec
      ? specDiff(withTierDefaults(existing.spec), spec).map((l) => `  ${l}`)
      : ['  (the current file is invalid; it is replaced whole)'];
    const interactive = !options.answers && !options.defaults;
    if (!options.force && !interactive) {
      throw new UserError(`${SPEC_FILE} in ${dir} exists and these answers change it`, [
        ...changes,
        `  hint: add --force to replace it (the current file is kept as ${SPEC_FILE}.bak)`,
      ]);
    }
    out.write(`These answers change ${SPEC_FILE}:\n${changes.join('\n')}\n`);
    if (!options.force) {
      const ok = await confirm(
        { message: `Replace ${SPEC_FILE}? (the current file is kept as ${SPEC_FILE}.bak)`, default: false },
        { ...(io.input ? { input: io.input } : {}), output: out },
      ).catch((err: unknown) => {
        if (isPromptExit(err)) return false;
        throw err;
      });
      if (!ok) throw new ExitError(1, `${SPEC_FILE} left unchanged.`);
    }
    await writeFile(`${path}.bak`, existing.bytes);
    await writeAtomic(path, text);
    out.write(`Replaced ${SPEC_FILE}; the previous version is in ${SPEC_FILE}.bak.\n`);
    return { dir, spec, file: 'replaced' };
  }
  await mkdir(dir, { recursive: true });
  await writeAtomic(path, text);
  out.write(`Wrote ${path}\n`);
  return { dir, spec, file: 'written' };
}

/** Renders the site, prints the plan and a check summary; false when the check found errors. */
export async function renderAndCheck(dir: string, out: NodeJS.WritableStream): Promise<boolean> {
  const [{ renderProject }, { formatPlan }, { runProjectChecks }, { formatReport }] = await Promise.all([
    import('../project/render.ts'),
    import('../tree/format-plan.ts'),
    import('../project/check.ts'),
    import('../check/summary.ts'),
  ]);
  const color = (out as { isTTY?: boolean }).isTTY === true;
  const rendered = await renderProject(dir, { force: false });
  out.write(`\n${formatPlan(rendered.plan, { color, done: true })}`);
  if (rendered.lockChanged) out.write('Updated beelab.lock.yaml (commit it with the repository).\n');
  out.write('\nChecking the rendered repository...\n');
  const report = await runProjectChecks(dir, { project: rendered.project });
  out.write(`${formatReport(report)}`);
  return report.ok;
}

/** The whole command: write beelab.yaml, then render and check unless told not to. */
export async function runInit(
  dirArg: string,
  options: InitOptions = {},
  io: PromptIO = {},
): Promise<InitResult> {
  const out = io.output ?? process.stdout;
  const result = await initSpec(dirArg, options, io);
  if (options.render === false) {
    out.write(`Next: edit ${SPEC_FILE} if you like, then run \`beelab render ${dirArg}\`.\n`);
    return result;
  }
  const ok = await renderAndCheck(result.dir, out);
  await options.afterRender?.(result, out);
  if (!ok)
    throw new ExitError(1, 'beelab.yaml is written and rendered, but the check found errors (see above).');
  return result;
}
