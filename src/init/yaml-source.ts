// A parsed YAML file that remembers where each value came from, so errors can say FILE:LINE:COL.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { decodeYamlBytes, normaliseYamlText, readYaml } from '../kernel/read-yaml.ts';
import { closest } from '../kernel/suggest.ts';
import { pathText, SpecLocator, type SpecPath } from '../spec/locate.ts';

/** A YAML file read from disk, with its data and a way back from a value's path to its position. */
export interface YamlSource {
  file: string;
  text: string;
  data: unknown;
  /** `FILE:LINE:COL` of the value at `path`, or of the key itself with `{ key: true }`; the nearest parent when absent. */
  where(path: readonly PropertyKey[], opts?: { key?: boolean }): string;
}

/**
 * Parses YAML (the bytes as read, or text) with beelab.yaml's reader: encoding, syntax, tags and aliases are
 * checked the same way, and every problem becomes one UserError listing each with its position.
 */
export function parseYamlSource(file: string, input: string | Uint8Array): YamlSource {
  const decoded = typeof input === 'string' ? normaliseYamlText(input, file) : decodeYamlBytes(input, file);
  const yaml = decoded.diagnostics.length > 0 ? undefined : readYaml(decoded.text, file);
  const problems = [...decoded.diagnostics, ...(yaml?.diagnostics ?? [])];
  if (!yaml || yaml.data === undefined || problems.length > 0) {
    throw new UserError(
      `${file} is not valid YAML`,
      problems.map(
        (d) =>
          `  ${file}:${d.location?.line ?? 1}:${d.location?.col ?? 1}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`,
      ),
    );
  }
  const locator = new SpecLocator(file, yaml.doc, yaml.lines);
  const where = (path: readonly PropertyKey[], opts: { key?: boolean } = {}): string => {
    const { line, col } = locator.locate(path as SpecPath, opts.key ?? false);
    return `${file}:${line}:${col}`;
  };
  return { file, text: decoded.text, data: yaml.data, where };
}

/** Reads and parses a YAML file; a missing file is a UserError naming it. */
export async function readYamlSource(file: string): Promise<YamlSource> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`${file} not found`);
    throw err;
  }
  return parseYamlSource(file, bytes);
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const segment of path)
    v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[segment] : undefined;
  return v;
}

/**
 * One line per zod issue: `FILE:LINE:COL: path: message (got value)`. Unknown keys point at the key and,
 * given the top-level keys that exist, suggest the closest.
 */
export function zodIssueLines(
  source: YamlSource,
  issues: readonly z.core.$ZodIssue[],
  knownKeys: readonly string[] = [],
): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        const guess = issue.path.length === 0 ? closest(key, knownKeys) : undefined;
        const hint = guess ? ` (did you mean ${guess}?)` : '';
        return `  ${source.where(path, { key: true })}: ${pathText(path as SpecPath)}: unknown key${hint}`;
      });
    }
    const got = valueAt(source.data, issue.path);
    const quoted = got === undefined ? '' : ` (got ${JSON.stringify(got)})`;
    const name = issue.path.length > 0 ? `${pathText(issue.path as SpecPath)}: ` : '';
    return [`  ${source.where(issue.path)}: ${name}${issue.message}${quoted}`];
  });
}
