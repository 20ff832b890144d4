// A generic validator: YAML/JSON files matched by glob are checked against JSON Schemas with ajv, errors located.
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import picomatch from 'picomatch';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import type { Validator } from '../validator.ts';
import { locateInDocument, pointerToPath } from '../yaml-locate.ts';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** One schema and the files (and, in multi-document files, the documents) it applies to. */
export interface SchemaRule {
  /** picomatch glob over site-relative paths, e.g. `talos/**\/*.yaml`. */
  files: string;
  /** A JSON Schema object; its `$schema` picks draft-07 (default), 2019-09 or 2020-12. */
  schema: object;
  /** Names the schema in messages, e.g. `Talos machine config`; default: the schema's title or the glob. */
  name?: string;
  /**
   * Picks the YAML documents this schema checks, e.g. `(d) => d?.kind === 'IPAddressPool'`; default:
   * every document. A file none of whose documents is selected is not counted as checked.
   */
  select?: (doc: unknown) => boolean;
}

export interface JsonSchemaValidatorOptions {
  /** e.g. `schema-k8s`; diagnostics carry the code `<id>`. */
  id: string;
  title: string;
  /** A list rather than a glob→schema map, because one glob may need several schemas picked by `select`. */
  rules: SchemaRule[];
}

/** Builds a validator; schemas compile once, on first use. Needs no external tool, so it never skips. */
export function jsonSchemaValidator(opts: JsonSchemaValidatorOptions): Validator {
  const compiled = opts.rules.map((rule) => ({
    rule,
    match: picomatch(rule.files, { dot: true }),
    check: undefined as Check | undefined,
  }));
  const matching = (file: string) => compiled.filter((c) => c.match(file));
  return {
    id: opts.id,
    title: opts.title,
    applies: (files) => files.filter((f) => matching(f).length > 0),
    async run(ctx) {
      const out: Diagnostic[] = [];
      for (const file of ctx.files) {
        const lineCounter = new LineCounter();
        const docs = parseAllDocuments(ctx.read(file), { lineCounter });
        if (!Array.isArray(docs)) continue; // an empty stream: nothing to validate
        for (const [index, doc] of docs.entries()) {
          if (doc.errors.length > 0) {
            for (const e of doc.errors) {
              const [line, col] = [e.linePos?.[0].line, e.linePos?.[0].col];
              out.push({
                code: opts.id,
                severity: 'error',
                message: `not valid YAML: ${e.message.split('\n', 1)[0]}`,
                location: { file, line, col },
              });
            }
            continue;
          }
          const value = doc.toJS();
          for (const c of matching(file)) {
            if (c.rule.select && !c.rule.select(value)) continue;
            c.check ??= compileCheck(c.rule.schema);
            const errors = c.check(value);
            if (errors.length === 0) continue;
            const name = c.rule.name ?? schemaTitle(c.rule.schema) ?? c.rule.files;
            const where = docs.length > 1 ? ` (document ${index + 1})` : '';
            for (const e of errors) {
              const path = pointerToPath(e.instancePath);
              const extra = e.params as { additionalProperty?: string; allowedValues?: unknown[] };
              if (extra.additionalProperty !== undefined) path.push(extra.additionalProperty);
              const pos = locateInDocument(doc, lineCounter, path);
              out.push({
                code: opts.id,
                severity: 'error',
                message: `${describe(e)}${where}; schema: ${name}`,
                location: { file, ...pos },
              });
            }
          }
        }
      }
      return out;
    },
  };
}

/** Validates one document; returns the errors worth showing ([] when valid). */
type Check = (value: unknown) => ErrorObject[];

function compileCheck(schema: object): Check {
  const s = schema as {
    $schema?: string;
    oneOf?: unknown;
    anyOf?: unknown;
    $defs?: unknown;
    definitions?: unknown;
  };
  const draft = s.$schema ?? '';
  // strict: false because real-world schemas (Kubernetes CRDs, compose-spec) use keywords ajv does not know;
  // validateSchema: false also means a $schema URI ajv does not carry (compose-spec's) is not looked up.
  const options = { strict: false, allErrors: true, validateSchema: false, logger: false as const };
  const ajv = draft.includes('2020-12')
    ? new Ajv2020(options)
    : draft.includes('2019-09')
      ? new Ajv2019(options)
      : new Ajv(options);
  addFormats(ajv as Ajv);
  const full = ajv.compile(schema as AnySchema);
  // A root oneOf/anyOf is a union of document kinds (Talos has ~60). Its raw errors are one complaint per
  // kind; instead each branch is checked alone and the errors of the closest one (fewest) are shown.
  const union = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  let branches: ValidateFunction[] | undefined;
  return (value) => {
    if (full(value)) return [];
    const raw = full.errors ?? [];
    if (!union) return relevantErrors(raw);
    branches ??= union.map((b) =>
      ajv.compile({
        $schema: s.$schema,
        $defs: s.$defs,
        definitions: s.definitions,
        allOf: [b],
      } as AnySchema),
    );
    let best: ErrorObject[] | undefined;
    for (const b of branches) {
      // A branch that passes means the failure lies elsewhere (several branches matched, or a sibling keyword).
      if (b(value)) return relevantErrors(raw);
      const errs = b.errors ?? [];
      if (!best || errs.length < best.length) best = errs;
    }
    return relevantErrors(best ?? raw);
  };
}

/**
 * ajv with allErrors reports every failed branch of a oneOf/anyOf. An error from inside such a branch
 * (or the oneOf/anyOf summary itself) is dropped when another error sits deeper under its instance path:
 * the deepest one is what a person can act on. Errors outside any branch are always kept.
 */
export function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const deeper = (a: string, b: string) => b !== a && (a === '' || b.startsWith(`${a}/`));
  const branchy = (e: ErrorObject) =>
    /^(oneOf|anyOf)$/.test(e.keyword) || /\/(oneOf|anyOf)\//.test(e.schemaPath);
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (branchy(e) && errors.some((o) => deeper(e.instancePath, o.instancePath))) return false;
    const key = `${e.instancePath} ${describe(e)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(e: ErrorObject): string {
  const at = e.instancePath === '' ? '(root)' : pointerToPath(e.instancePath).join('.');
  const p = e.params as { additionalProperty?: string; allowedValues?: unknown[] };
  if (p.additionalProperty !== undefined)
    return `${at}: unknown property ${JSON.stringify(p.additionalProperty)}`;
  if (p.allowedValues)
    return `${at} ${e.message}: ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${at} ${e.message}`;
}

function schemaTitle(schema: object): string | undefined {
  const t = (schema as { title?: unknown }).title;
  return typeof t === 'string' ? t : undefined;
}
