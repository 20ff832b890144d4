// Parses beelab.yaml: YAML syntax, then the zod schema, then the rules; every problem at once, each with its position.
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic } from '../kernel/diagnostic.ts';
import { decodeYamlBytes, normaliseYamlText, readYaml } from '../kernel/read-yaml.ts';
import { closest, keysAt } from '../kernel/suggest.ts';
import { pathText, SpecLocator } from './locate.ts';
import { specRules } from './rules/index.ts';
import type { SpecRuleOptions } from './rules/rule.ts';
import { type Spec, specSchema } from './schema.ts';

export interface ParsedSpec {
  /** Present when the file is structurally valid (rules may still have found errors). */
  spec?: Spec;
  diagnostics: Diagnostic[];
  locator: SpecLocator;
  /** The file's text as parsed: decoded, without a BOM, with LF line ends. */
  text: string;
}

/** The value at a path, quoted for a message. */
function quote(value: unknown): string {
  if (value === undefined) return '(missing)';
  const s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function issueToDiagnostics(issue: z.core.$ZodIssue, data: unknown, locator: SpecLocator): Diagnostic[] {
  const path = issue.path as (string | number)[];
  const where = pathText(path);
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(specSchema, path);
    return issue.keys.map((key) => {
      const guess = closest(key, known);
      return {
        code: 'spec/unknown-key',
        severity: 'error' as const,
        message: `${path.length ? `${where}: ` : ''}unknown key "${key}"`,
        location: locator.locate([...path, key], true),
        hint: guess ? `did you mean \`${guess}\`?` : `allowed keys here: ${known.join(', ')}`,
      };
    });
  }
  const value = valueAt(data, path);
  let message = `${where} ${quote(value)}: ${issue.message}`;
  let hint: string | undefined;
  if (issue.code === 'invalid_type') {
    message =
      value === undefined
        ? `${where} is required`
        : `${where} ${quote(value)} must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
    if (value === undefined) hint = `add \`${path[path.length - 1]}:\` here`;
  } else if (issue.code === 'invalid_value') {
    const allowed = issue.values.map(String);
    const guess = typeof value === 'string' ? closest(value, allowed) : undefined;
    message = `${where} ${quote(value)} is not allowed`;
    hint = guess
      ? `did you mean \`${guess}\`? allowed: ${allowed.join(', ')}`
      : `allowed: ${allowed.join(', ')}`;
  } else if (issue.code === 'too_small' || issue.code === 'too_big') {
    message = `${where} ${quote(value)}: ${issue.message.replace(/^Too (small|big): expected \w+ to (have|be) /, 'must be ')}`;
  } else if (issue.code === 'invalid_union') {
    message = `${where} ${quote(value)} has the wrong shape`;
    hint = 'see the JSON Schema (schema/beelab.schema.json) for the allowed forms';
  }
  return [
    {
      code: 'spec/schema',
      severity: 'error',
      message,
      location: locator.locate(path),
      ...(hint ? { hint } : {}),
    },
  ];
}

/**
 * Parses and checks beelab.yaml, given as its bytes (as read from disk: encoding is checked) or as text;
 * `options` adds what only the caller knows (the layers' plan, later rules). Never throws on any input.
 */
export function parseSpec(
  input: string | Uint8Array,
  file = 'beelab.yaml',
  options: SpecRuleOptions = {},
): ParsedSpec {
  const decoded = typeof input === 'string' ? normaliseYamlText(input, file) : decodeYamlBytes(input, file);
  const text = decoded.text;
  if (decoded.diagnostics.length > 0) {
    const lines = new LineCounter();
    const locator = new SpecLocator(file, parseDocument('', { lineCounter: lines }), lines);
    return { diagnostics: decoded.diagnostics, locator, text };
  }
  const yaml = readYaml(text, file);
  const locator = new SpecLocator(file, yaml.doc, yaml.lines);
  const diagnostics: Diagnostic[] = [...yaml.diagnostics];
  if (yaml.data === undefined) return { diagnostics, locator, text };
  const data = yaml.data;
  const result = specSchema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) diagnostics.push(...issueToDiagnostics(issue, data, locator));
  }
  // Rules also run on a file the schema rejected, so every problem shows at once; a rule that
  // trips over a malformed part is skipped there, since the schema already reported that part.
  diagnostics.push(
    ...specRules(result.success ? result.data : (data as Spec), locator, !result.success, options),
  );
  return { ...(result.success ? { spec: result.data } : {}), diagnostics, locator, text };
}
