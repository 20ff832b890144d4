// docker-compose config -q over each Compose file (with its override beside it), errors located by YAML path.
import type { Diagnostic, Location } from '../../kernel/diagnostic.ts';
import { runTool, siteRelative } from '../exec.ts';
import type { Validator, ValidatorContext } from '../validator.ts';
import { locateYamlPath } from '../yaml-locate.ts';
import { basename, dirname, unexplainedFailure } from './util.ts';

const CODE = 'docker-compose';
const COMPOSE = /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/;
const BASE = /^(docker-)?compose\.ya?ml$/;
const OVERRIDE = /^(docker-)?compose\.override\.ya?ml$/;

export const dockerCompose: Validator = {
  id: 'docker-compose',
  title: 'Compose files (docker-compose config)',
  tool: { command: 'docker-compose', installHint: 'apt-get install docker-compose' },
  applies: (files) => files.filter((f) => COMPOSE.test(basename(f))),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const group of projects(ctx.files)) {
      const args = [...group.flatMap((f) => ['-f', f]), 'config', '-q'];
      const r = await runTool(ctx, args, { env: deployTimeVariables(ctx, group) });
      const found = parseComposeOutput(ctx, group, r.stderr);
      out.push(...found, ...unexplainedFailure(CODE, 'docker-compose config', r, found, group[0]!));
    }
    return out;
  },
};

/** One run per file, except that an override file is merged with the base file of its directory, as compose does. */
export function projects(files: string[]): string[][] {
  const groups: string[][] = [];
  const consumed = new Set<string>();
  for (const f of files) {
    if (!BASE.test(basename(f))) continue;
    const overrides = files.filter((o) => dirname(o) === dirname(f) && OVERRIDE.test(basename(o)));
    groups.push([f, ...overrides]);
    for (const o of overrides) consumed.add(o);
  }
  for (const f of files) if (!BASE.test(basename(f)) && !consumed.has(f)) groups.push([f]);
  return groups;
}

/** `${NAME:?why}` or `${NAME?why}`: a variable the project declares it gets at deploy time. */
const REQUIRED_VAR = /\$\{(\w+):?\?/g;

/**
 * Stand-ins for the variables a project requires (`${NAME:?…}`) when no `.env` is beside it: they hold secrets
 * that are written there at deploy time (Beelab's apps: by `beelab apply`), so compose would refuse the file
 * for their absence alone. Variables with no `?` are still reported when unset.
 */
export function deployTimeVariables(
  ctx: Pick<ValidatorContext, 'read'>,
  group: string[],
): Record<string, string> {
  const dir = dirname(group[0]!);
  const envFile = dir === '' || dir === '.' ? '.env' : `${dir}/.env`;
  // An empty or unreadable .env reads as '': as good as none.
  if (ctx.read(envFile) !== '') return {};
  const out: Record<string, string> = {};
  for (const file of group)
    for (const m of ctx.read(file).matchAll(REQUIRED_VAR))
      if (process.env[m[1]!] === undefined) out[m[1]!] = 'set-at-deploy-time';
  return out;
}

const INVALID_FILE = /^The Compose file '(.+)' is invalid because:$/;
const UNSET_VAR = /^The (\w+) variable is not set\. Defaulting to a blank string\.$/;
const YAML_POS = /in "(.+?)", line (\d+), column (\d+)/;
const TOP_PATH = /\b((?:services|networks|volumes|secrets|configs)(?:\.[\w.-]+)?)/;
const UNSUPPORTED = /^Unsupported config option for ([\w.-]+): '([^']+)'/;
const DEPENDS = /^Service '([^']+)' depends on service '[^']+' which is undefined/;
const BAD_TOP_KEY = /^'([^']+)' does not match any of the regexes/;
// compose's closing advice about file versions; it follows every schema error and adds nothing.
const ADVICE = /^(You might be seeing this error|For more on the Compose file format)/;

function parseComposeOutput(ctx: ValidatorContext, group: string[], stderr: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const primary = group[0]!;
  let current = primary;
  const lines = stderr.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    const warning = raw.startsWith('WARNING: ');
    const line = raw.replace(/^(ERROR|WARNING): /, '');
    if (!line || ADVICE.test(line)) continue;
    const invalid = INVALID_FILE.exec(line);
    if (invalid) {
      current = siteRelative(ctx.dir, invalid[1]!);
      continue;
    }
    const unset = UNSET_VAR.exec(line);
    if (unset) {
      out.push({
        code: CODE,
        severity: 'warning',
        message: `variable ${unset[1]} is not set; compose substitutes an empty string`,
        location: locateVariable(ctx, group, unset[1]!),
        hint: `set it in the environment or in a .env file beside ${primary}`,
      });
      continue;
    }
    if (/^yaml\.\w+\.\w+Error:/.test(line)) {
      // A YAML error spans lines; its position is on the `in "<file>", line N, column M` line after it.
      const block = [line];
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== '' && !YAML_POS.test(block.at(-1)!)) {
        block.push(lines[++i]!.trim());
      }
      const pos = YAML_POS.exec(block.join('\n'));
      const msg = block
        .filter((l) => !YAML_POS.test(l))
        .join('; ')
        .replace(/^yaml\.\w+\.\w+Error:\s*/, '');
      const loc: Location = pos
        ? { file: siteRelative(ctx.dir, pos[1]!), line: Number(pos[2]), col: Number(pos[3]) }
        : { file: current };
      out.push({ code: CODE, severity: 'error', message: `YAML: ${msg}`, location: loc });
      continue;
    }
    const severity = warning ? 'warning' : 'error';
    out.push({ code: CODE, severity, message: line, location: locateMessage(ctx, current, line) });
  }
  return out;
}

/** Finds what a schema message is about (`services.web.ports`, an unsupported option, a dependency) in the file. */
function locateMessage(ctx: ValidatorContext, file: string, message: string): Location {
  let path: string[] | undefined;
  const unsupported = UNSUPPORTED.exec(message);
  const depends = DEPENDS.exec(message);
  const badTop = BAD_TOP_KEY.exec(message);
  const top = TOP_PATH.exec(message);
  if (unsupported) path = [...unsupported[1]!.split('.'), unsupported[2]!];
  else if (depends) path = ['services', depends[1]!, 'depends_on'];
  else if (badTop) path = [badTop[1]!];
  else if (top) path = top[1]!.split('.').filter(Boolean);
  const pos = path ? locateYamlPath(ctx.read(file), path) : undefined;
  return { file, ...pos };
}

function locateVariable(ctx: ValidatorContext, group: string[], name: string): Location {
  const use = new RegExp(`\\$\\{?${name}\\b`);
  for (const file of group) {
    const lines = ctx.read(file).split('\n');
    const i = lines.findIndex((l) => use.test(l));
    if (i !== -1) return { file, line: i + 1, col: lines[i]!.search(use) + 1 };
  }
  return { file: group[0]! };
}
