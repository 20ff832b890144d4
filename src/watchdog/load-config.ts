// Reads watchdog.yaml, validates it, and reports every problem with file:line:col, key path and a fix.
import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import {
  DEFAULT_POLICY,
  type Policy,
  type TargetConfig,
  type WatchdogConfig,
  watchdogConfigSchema,
} from './config-schema.ts';

/** A target with `defaults` merged in: what the state machine and the engine read. */
export interface ResolvedTarget
  extends Pick<TargetConfig, 'name' | 'probes' | 'healthyWhen' | 'restart' | 'power'> {
  policy: Policy;
}

export async function loadWatchdogConfig(file: string): Promise<WatchdogConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, [
      'Pass the watchdog config with --config FILE; examples/watchdog.yaml is a starting point.',
    ]);
  }
  return parseWatchdogConfig(text, file);
}

export function parseWatchdogConfig(text: string, file: string): WatchdogConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new UserError(
      `${file} is not valid YAML`,
      doc.errors.map(
        (e) => `  ${file}:${e.linePos?.[0]?.line ?? '?'}:${e.linePos?.[0]?.col ?? '?'} ${e.message}`,
      ),
    );
  }
  const parsed = watchdogConfigSchema.safeParse(doc.toJS());
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describeIssue(issue, doc, lines, file));
  } else {
    problems.push(...crossChecks(parsed.data).map((p) => `  ${file} ${p}`));
  }
  if (problems.length > 0)
    throw new UserError(`${file}: ${problems.length} problem(s) in the watchdog config`, problems);
  return parsed.data!;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  file: string,
) {
  const path = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  // Point at the offending node, or at the nearest parent that exists when a key is missing.
  let at = '';
  for (let n = issue.path.length; n >= 0; n--) {
    const node = doc.getIn(issue.path as (string | number)[], true);
    const target =
      n === issue.path.length ? node : doc.getIn(issue.path.slice(0, n) as (string | number)[], true);
    if (isNode(target) && target.range) {
      const pos = lines.linePos(target.range[0]);
      at = `:${pos.line}:${pos.col}`;
      break;
    }
  }
  return `  ${file}${at} ${path || '(top level)'}: ${issue.message}${hintFor(issue)}`;
}

function hintFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return ' (remove it, or check its spelling against docs/watchdog.md)';
  if (issue.code === 'invalid_union')
    return ' (set `type`/`kind` to one of the documented values; see docs/watchdog.md)';
  if (issue.code === 'invalid_type' && issue.message.includes('undefined')) return ' (this key is required)';
  return '';
}

function crossChecks(config: WatchdogConfig): string[] {
  const out: string[] = [];
  const names = new Set<string>();
  config.targets.forEach((t, i) => {
    if (names.has(t.name))
      out.push(`targets[${i}].name: "${t.name}" is used twice (names key the state file; make them unique)`);
    names.add(t.name);
  });
  config.maintenance.windows.forEach((w, i) => {
    for (const name of w.targets ?? []) {
      if (!names.has(name)) out.push(`maintenance.windows[${i}].targets: no target named "${name}"`);
    }
  });
  return out;
}

/** Merges DEFAULT_POLICY, then `defaults`, then the target's own keys. */
export function resolveTargets(config: WatchdogConfig): ResolvedTarget[] {
  return config.targets.map((t) => {
    const { name, probes, healthyWhen, restart, power, ...override } = t;
    return { name, probes, healthyWhen, restart, power, policy: mergePolicy(config.defaults, override) };
  });
}

type PolicyInput = WatchdogConfig['defaults'];

function mergePolicy(...layers: PolicyInput[]): Policy {
  const out: Policy = { ...DEFAULT_POLICY, backoff: { ...DEFAULT_POLICY.backoff } };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (key === 'backoff') Object.assign(out.backoff, defined(value as object));
      else (out as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

function defined(obj: object): object {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
