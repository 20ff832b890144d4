// One way to read a YAML file into a typed value: positions kept, every problem reported at once as
// `FILE:LINE:COL: key.path: message (got "value")`, in one UserError.
import { type Document, isMap, isNode, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { readText } from './read-text.ts';
import { readYaml } from './read-yaml.ts';
import { closest, keysAt } from './suggest.ts';

/** A key path inside the document: ['targets', 0, 'interval']. */
export type YamlPath = readonly (string | number)[];

export interface YamlPosition {
  file: string;
  line: number;
  col: number;
}

/**
 * A problem a caller found, located by the path of the value it is about. `key: true` points at the key
 * itself (an unknown or duplicate key) rather than at its value.
 */
export interface YamlProblem {
  path: YamlPath;
  message: string;
  /** How to fix it; printed after the message. */
  hint?: string;
  key?: boolean;
}

/** A parsed YAML file that can say where any value came from. */
export interface YamlSource {
  file: string;
  text: string;
  doc: Document;
  lines: LineCounter;
  /** The plain data (`doc.toJS()`); undefined for an empty file. */
  data: unknown;
  /** Position of the value at `path` (or of its key); the nearest existing ancestor when it is absent. */
  locate(path: YamlPath, opts?: { key?: boolean }): YamlPosition;
  /** `FILE:LINE:COL` of `locate()`. */
  where(path: YamlPath, opts?: { key?: boolean }): string;
  /** The plain value at a path, or undefined. */
  valueAt(path: YamlPath): unknown;
  /** One message line for a problem: `  FILE:LINE:COL: path: message (got "value"); hint`. */
  format(problem: YamlProblem): string;
}

export interface ParseYamlOptions<T> {
  /** What the file is, for the headline: "the watchdog config" → `wd.yaml: 2 problems in the watchdog config`. */
  what?: string;
  /** Where the keys are documented, named in the hint for unknown keys: "docs/watchdog.md". */
  docs?: string;
  /**
   * Cross-field checks on the validated value (duplicate names, references, one field against another).
   * They run once the schema passes; each problem is located by its path.
   */
  check?: (value: T, source: YamlSource) => YamlProblem[];
}

/** `targets[0].power.url` for ['targets', 0, 'power', 'url']. */
export function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${String(seg)}` : String(seg);
  return s || '(top level)';
}

/** Parses YAML text keeping positions; syntax errors (and duplicate keys) become one located UserError. */
export function parseYamlSource(text: string, file: string): YamlSource {
  // The hardened reader: errors at the bracket or key that causes them, unknown tags, alias bombs, complex keys.
  const read = readYaml(text, file);
  if (read.diagnostics.length > 0) {
    throw new UserError(
      `${file} is not valid YAML`,
      read.diagnostics.map(
        (d) => `  ${file}:${d.location?.line}:${d.location?.col}: ${d.message}${d.hint ? `; ${d.hint}` : ''}`,
      ),
    );
  }
  const { doc, lines } = read;
  const data: unknown = doc.contents === null ? undefined : read.data;
  const nodeAt = (path: YamlPath, wantKey: boolean): Node | undefined => {
    let node: unknown = doc.contents;
    let keyNode: unknown;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) return node;
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        keyNode = undefined;
        node = node.items[seg];
      } else break;
    }
    if (wantKey && isNode(keyNode)) return keyNode;
    return isNode(node) ? node : undefined;
  };
  const locate = (path: YamlPath, opts: { key?: boolean } = {}): YamlPosition => {
    const offset = nodeAt(path, opts.key ?? false)?.range?.[0];
    if (offset === undefined) return { file, line: 1, col: 1 };
    const { line, col } = lines.linePos(offset);
    return { file, line, col };
  };
  const where = (path: YamlPath, opts?: { key?: boolean }) => {
    const p = locate(path, opts);
    return `${p.file}:${p.line}:${p.col}`;
  };
  const valueAt = (path: YamlPath): unknown => {
    let v = data;
    for (const seg of path)
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
    return v;
  };
  const source: YamlSource = {
    file,
    text,
    doc,
    lines,
    data,
    locate,
    where,
    valueAt,
    format: (p) => {
      const got = p.key ? undefined : quoted(valueAt(p.path));
      return `  ${where(p.path, { key: p.key })}: ${pathText(p.path)}: ${p.message}${got ? ` (got ${got})` : ''}${p.hint ? `; ${p.hint}` : ''}`;
    },
  };
  return source;
}

/** Reads and parses a file; an unreadable file is a UserError naming it, with `hint` lines under it. */
export async function readYamlSource(file: string, hint: readonly string[] = []): Promise<YamlSource> {
  const text = await readText(
    file,
    (code, err) =>
      new UserError(`cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`, [
        ...hint,
      ]),
  );
  return parseYamlSource(text, file);
}

/** A scalar as the user wrote it, quoted; objects and arrays are not repeated back. */
function quoted(value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value === 'object') return undefined;
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
}

/** Turns zod issues into located problems: unknown keys at the key, missing keys at their parent. */
export function zodProblems(
  source: YamlSource,
  issues: readonly z.core.$ZodIssue[],
  schema?: z.ZodType,
  docs?: string,
): YamlProblem[] {
  const out: YamlProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const guess = schema ? closest(key, keysAt(schema, path)) : undefined;
          out.push({
            path: [...path, key],
            key: true,
            message: `unknown key "${key}"`,
            hint: guess
              ? `did you mean "${guess}"?`
              : `remove it or check its spelling${docs ? ` against ${docs}` : ''}`,
          });
        }
        break;
      case 'invalid_union': {
        const options = (issue as { options?: unknown[] }).options;
        const disc = (issue as { discriminator?: string }).discriminator;
        if (disc && options) {
          const value = source.valueAt(path);
          out.push({
            path,
            message: value === undefined ? `"${disc}" is required` : `unknown ${disc}`,
            hint: `use one of ${options.map((o) => JSON.stringify(o)).join(', ')}`,
          });
        } else out.push({ path, message: issue.message });
        break;
      }
      case 'invalid_type':
        // A message the schema wrote itself (`z.array(x, { error })`) says more than ours.
        if (!issue.message.startsWith('Invalid input')) out.push({ path, message: issue.message });
        else if (source.valueAt(path) === undefined) {
          out.push(
            path.length === 0
              ? { path, message: `the file is empty; it must hold ${article(issue.expected)}` }
              : {
                  path,
                  message: `missing required key "${path.at(-1)}"`,
                  hint: `add it (${issue.expected})`,
                },
          );
        } else out.push({ path, message: `expected ${article(issue.expected)}` });
        break;
      case 'invalid_value':
        out.push({
          path,
          message: 'not an allowed value',
          hint: `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a map of keys';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** Throws one UserError for the problems (sorted by position), or returns when there are none. */
export function throwProblems(source: YamlSource, problems: readonly YamlProblem[], what?: string): void {
  if (problems.length === 0) return;
  const rows = problems.map((p) => {
    const pos = source.locate(p.path, { key: p.key });
    return { line: source.format(p), at: pos.line * 100_000 + pos.col };
  });
  rows.sort((a, b) => a.at - b.at);
  const n = problems.length;
  throw new UserError(
    `${source.file}: ${n} problem${n === 1 ? '' : 's'}${what ? ` in ${what}` : ''}`,
    rows.map((r) => r.line),
  );
}

/** Validates a parsed source against a schema plus the caller's cross-field checks; all problems at once. */
export function validateYaml<S extends z.ZodType>(
  source: YamlSource,
  schema: S,
  opts: ParseYamlOptions<z.output<S>> = {},
): z.output<S> {
  const parsed = schema.safeParse(source.data);
  if (!parsed.success) {
    throwProblems(source, zodProblems(source, parsed.error.issues, schema, opts.docs), opts.what);
  }
  const value = parsed.data as z.output<S>;
  if (opts.check) throwProblems(source, opts.check(value, source), opts.what);
  return value;
}

/** Parses and validates YAML text: the value, or one UserError listing every located problem. */
export function parseYaml<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  opts?: ParseYamlOptions<z.output<S>>,
): z.output<S> {
  return validateYaml(parseYamlSource(text, file), schema, opts);
}

/** Reads, parses and validates a YAML file. `readHint` lines are shown when the file cannot be read. */
export async function loadYaml<S extends z.ZodType>(
  file: string,
  schema: S,
  opts?: ParseYamlOptions<z.output<S>> & { readHint?: readonly string[] },
): Promise<z.output<S>> {
  return validateYaml(await readYamlSource(file, opts?.readHint), schema, opts);
}
