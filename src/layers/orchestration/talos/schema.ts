// The Talos machine-config validator: every document of talos/**/*.yaml against its own kind's definition in
// the Talos config JSON Schema (the v1alpha1 config by `version`, the rest by `kind`), so an error names the
// kind and the key rather than one complaint per possible kind.
import { readFileSync } from 'node:fs';
import type { Validator } from '../../../check/validator.ts';
import { jsonSchemaValidator, type SchemaRule } from '../../../check/validators/json-schema.ts';

/** The schema Beelab ships for `beelab check` (a pinned copy of Talos's; see src/check/schemas/PROVENANCE.md). */
export const TALOS_SCHEMA_URL = new URL(
  '../../../check/schemas/talos/config.schema.v1.13.9.json',
  import.meta.url,
);

/** The machine-config patches: the cluster patch and the nodes' (talos/schematic.yaml is the factory's). */
export const TALOS_FILES = 'talos/{cluster.yaml,nodes/*.yaml}';

interface TalosSchema {
  $schema: string;
  $defs: Record<string, { properties?: { kind?: { enum?: string[] } } }>;
  oneOf: { $ref: string }[];
}

const docKind = (d: unknown) =>
  d && typeof d === 'object' ? (d as { kind?: unknown; version?: unknown }) : undefined;

/** One rule per document kind of the schema, plus one for a document of no kind the schema knows. */
export function talosSchemaRules(schema: object, files = TALOS_FILES): SchemaRule[] {
  const s = schema as TalosSchema;
  const rules: SchemaRule[] = [];
  const kinds = new Set<string>();
  for (const { $ref } of s.oneOf) {
    const def = $ref.split('/').pop()!;
    const kind = s.$defs[def]?.properties?.kind?.enum?.[0];
    const only = { $schema: s.$schema, $defs: s.$defs, $ref };
    if (kind) {
      kinds.add(kind);
      rules.push({ files, schema: only, name: `Talos ${kind}`, select: (d) => docKind(d)?.kind === kind });
    } else {
      // v1alpha1.Config: the machine config proper, which has `version` and no `kind`.
      rules.push({
        files,
        schema: only,
        name: 'Talos v1alpha1 machine config',
        select: (d) => docKind(d)?.kind === undefined,
      });
    }
  }
  rules.push({
    files,
    // "must be one of" with every kind Talos knows is the message a misspelt kind needs.
    schema: { properties: { kind: { enum: [...kinds].sort() } } },
    name: 'Talos machine config (a document of an unknown kind)',
    select: (d) => {
      const k = docKind(d)?.kind;
      return k !== undefined && !(typeof k === 'string' && kinds.has(k));
    },
  });
  return rules;
}

let shipped: object | undefined;

function shippedSchema(): object {
  shipped ??= JSON.parse(readFileSync(TALOS_SCHEMA_URL, 'utf8')) as object;
  return shipped;
}

/** `beelab check`: the rendered Talos patches against the Talos 1.13 schema (the shipped copy by default). */
export function talosValidator(schema?: object): Validator {
  const use = schema ?? shippedSchema();
  return jsonSchemaValidator({
    id: 'schema-talos',
    title: 'Talos machine config (Talos 1.13 schema)',
    rules: talosSchemaRules(use),
  });
}
