// `beelab status --targets FILE`: a YAML list of checks, each a probe spec plus a name.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { probeSpecSchema } from '../probe/schema.ts';
import type { StatusTarget } from './types.ts';

const entry = z.object({ name: z.string().min(1), group: z.string().optional() }).catchall(z.unknown());

export async function loadTargetsFile(file: string): Promise<StatusTarget[]> {
  let data: unknown;
  try {
    data = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read targets from ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(data))
    throw new UserError(
      `${file}: expected a YAML list of targets, e.g. - { name: nas, kind: tcp, host: 10.0.0.5, port: 22 }`,
    );
  const problems: string[] = [];
  const targets: StatusTarget[] = [];
  data.forEach((item, i) => {
    const head = entry.safeParse(item);
    if (!head.success) {
      problems.push(`  ${file} [${i}]: each target needs a name`);
      return;
    }
    const { name, group, ...spec } = head.data;
    const probe = probeSpecSchema.safeParse(spec);
    if (!probe.success) {
      for (const issue of probe.error.issues)
        problems.push(`  ${file} [${i}] ${name}: ${issue.path.join('.') || 'kind'}: ${issue.message}`);
      return;
    }
    targets.push({ name, group, probe: probe.data });
  });
  if (problems.length > 0) throw new UserError(`${file}: ${problems.length} problem(s)`, problems);
  return targets;
}
