// `beelab status --targets FILE`: a YAML list of checks, each a probe spec plus a name, read by the kernel loader.
import { z } from 'zod';
import { loadYaml, parseYaml } from '../kernel/load-yaml.ts';
import { probeSpecSchema } from '../probe/schema.ts';
import type { ProbeSpec } from '../probe/types.ts';
import type { StatusTarget } from './types.ts';

const label = { name: z.string().min(1), group: z.string().optional() };

/** One entry: the probe's own keys (by `kind`) plus `name` and an optional `group`. */
const entrySchema = z.discriminatedUnion(
  'kind',
  probeSpecSchema.options.map((o) => o.extend(label)) as unknown as [
    z.ZodObject<typeof label & { kind: z.ZodLiteral<string> }>,
  ],
);

export const targetsFileSchema = z.array(entrySchema, {
  error: 'expected a YAML list of targets, e.g. - { name: nas, kind: tcp, host: 10.0.0.5, port: 22 }',
});

const OPTIONS = { what: 'the status targets', docs: 'docs/status.md' };

function toTargets(entries: z.output<typeof targetsFileSchema>): StatusTarget[] {
  return entries.map((e) => {
    const { name, group, ...probe } = e as typeof e & Record<string, unknown>;
    return { name, group, probe: probe as unknown as ProbeSpec };
  });
}

export async function loadTargetsFile(file: string): Promise<StatusTarget[]> {
  return toTargets(await loadYaml(file, targetsFileSchema, OPTIONS));
}

export function parseTargetsFile(text: string, file: string): StatusTarget[] {
  return toTargets(parseYaml(text, file, targetsFileSchema, OPTIONS));
}
