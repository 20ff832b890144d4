// The kustomization.yaml files' validator: the shape against SchemaStore's kustomization schema, the header
// kustomize insists on (apiVersion, kind), and every listed resource present (a file, or a folder with its own
// kustomization.yaml), so `kubectl apply -k` does not stop half-way on a missing file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Validator } from '../../../check/validator.ts';
import { jsonSchemaValidator } from '../../../check/validators/json-schema.ts';
import type { Diagnostic } from '../../../kernel/diagnostic.ts';

export const KUSTOMIZATION_FILES = 'k8s/**/kustomization.yaml';
/** SchemaStore's kustomization.json as `beelab check` ships it (src/check/schemas/PROVENANCE.md). */
export const KUSTOMIZATION_SCHEMA_URL = new URL(
  '../../../check/schemas/kustomize/kustomization.json',
  import.meta.url,
);
const API = 'kustomize.config.k8s.io/v1beta1';

/** The validator, against the schema at `schemaUrl` (the shipped copy by default). */
export function kustomizationValidator(schemaUrl: URL = KUSTOMIZATION_SCHEMA_URL): Validator {
  const shape = jsonSchemaValidator({
    id: 'kustomization',
    title: 'kustomization.yaml (SchemaStore kustomization schema, resources present)',
    rules: [
      {
        files: KUSTOMIZATION_FILES,
        schema: JSON.parse(readFileSync(schemaUrl, 'utf8')) as object,
        name: 'kustomization',
      },
    ],
  });
  return {
    id: shape.id,
    title: shape.title,
    applies: shape.applies,
    async run(ctx) {
      const out = await shape.run(ctx);
      for (const file of ctx.files) out.push(...headerAndResources(file, ctx.read(file), ctx.dir));
      return out;
    },
  };
}

function headerAndResources(file: string, text: string, dir: string): Diagnostic[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return []; // the schema run reports it
  const out: Diagnostic[] = [];
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { file };
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const root = doc.contents;
  for (const [key, want] of [
    ['apiVersion', API],
    ['kind', 'Kustomization'],
  ] as const) {
    const node: unknown = root.get(key, true);
    if (isScalar(node) && node.value === want) continue;
    out.push({
      code: 'kustomization',
      severity: 'error',
      message: node ? `${key} must be ${want}` : `${key}: ${want} is missing`,
      location: at(isScalar(node) ? node.range?.[0] : root.range?.[0]),
    });
  }
  const resources = root.get('resources', true);
  if (!isSeq(resources)) return out;
  const base = posix.dirname(file);
  for (const item of resources.items) {
    if (!isScalar(item) || typeof item.value !== 'string') continue; // the schema run reports it
    const ref = item.value;
    if (/^[a-z]+:\/\//.test(ref) || ref.startsWith('git@')) continue; // a remote base: kustomize fetches it
    if (isResource(join(dir, base, ref))) continue;
    out.push({
      code: 'kustomization',
      severity: 'error',
      message: `resources: ${ref} is neither a file nor a folder with a kustomization.yaml (beside ${file})`,
      location: at(item.range?.[0]),
      hint: 'list the files of this folder, or the folders of other kustomizations',
    });
  }
  return out;
}

/** A file, or a folder kustomize can build (it has a kustomization file). */
function isResource(path: string): boolean {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return false;
  if (stat.isFile()) return true;
  return ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((f) => existsSync(join(path, f)));
}
