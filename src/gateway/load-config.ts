// Reads gateway.yaml, validates it, and reports every problem with file:line:col, key path and fix.
import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { type GatewayConfig, gatewayConfigSchema } from './config-schema.ts';

/** Formats a key path the way a user reads it: backends[0].url. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

/** Parses and validates config text; throws one UserError listing every problem. */
export function parseGatewayConfig(text: string, file: string): GatewayConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const details = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return `  ${file}:${pos.line}:${pos.col}: YAML syntax: ${e.message.split('\n')[0]}`;
    });
    throw new UserError(`${file} is not valid YAML`, details);
  }
  const result = gatewayConfigSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  throw new UserError(
    `${file} has ${result.error.issues.length} problem(s)`,
    describeIssues(result.error, doc, lines, file),
  );
}

function describeIssues(
  error: z.ZodError,
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  file: string,
): string[] {
  return error.issues.map((issue) => {
    let path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') path = [...path, issue.keys[0]!];
    // Point at the deepest node that exists, so a missing key points at its parent.
    let where = '';
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) {
        const pos = lines.linePos(node.range[0]);
        where = `${file}:${pos.line}:${pos.col}`;
        break;
      }
    }
    let msg = issue.message;
    if (issue.code === 'unrecognized_keys')
      msg = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove or correct the spelling`;
    else if (issue.code === 'invalid_type' && /received undefined/.test(msg))
      msg = `missing required key; add it (${msg})`;
    const value = issue.code === 'unrecognized_keys' ? undefined : doc.getIn(issue.path as unknown[]);
    const quoted = value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
    return `  ${where || file}: ${formatPath(path)}${quoted}: ${msg}`;
  });
}

/** Loads the config file; a missing file is a UserError that says how to start one. */
export async function loadGatewayConfig(file: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file} (${code ?? String(err)})`, [
      '  start from examples/gateway.yaml: cp examples/gateway.yaml gateway.yaml',
    ]);
  }
  return parseGatewayConfig(text, file);
}
