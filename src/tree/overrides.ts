// User customisations that survive re-rendering: files under overrides/ replace, merge into or append to generated files.
import { isMap, parse, parseAllDocuments } from 'yaml';
import { UserError } from '../errors.ts';
import { FileTree } from './file-tree.ts';
import { MissingKeyError, mergePatch, mergePatchYaml } from './merge-patch.ts';
import { toJson } from './serialize/json.ts';
import { isPlainObject } from './serialize/sort-keys.ts';
import { toYaml, YAML_COMPAT } from './serialize/yaml.ts';

/** The folder, relative to the output directory, that holds overrides. Beelab never writes there. */
export const OVERRIDES_DIR = 'overrides';

/** Override files keyed by their POSIX path relative to overrides/, e.g. `k8s/apps/immich.yaml.merge.yaml`. */
export type OverrideFiles = ReadonlyMap<string, string>;

type Kind = 'replace' | 'merge' | 'append';

/** How one override file applies to a generated file. */
export interface OverrideAction {
  /** Path under overrides/. */
  file: string;
  /** Generated path it changes. */
  target: string;
  kind: Kind;
}

const MERGE_SUFFIXES = ['.merge.yaml', '.merge.yml', '.merge.json'];
const APPEND_SUFFIX = '.append';
const MERGEABLE = /\.(ya?ml|json)$/;

function display(file: string): string {
  return `${OVERRIDES_DIR}/${file}`;
}

/** Decides what an override file does; the exact generated path wins over a suffix reading. */
function classify(file: string, tree: FileTree): OverrideAction | string {
  if (tree.has(file)) return { file, target: file, kind: 'replace' };
  const suffix = [...MERGE_SUFFIXES, APPEND_SUFFIX].find((s) => file.endsWith(s));
  const target = suffix ? file.slice(0, -suffix.length) : file;
  if (!tree.has(target)) {
    const base = target.split('/').at(-1);
    const near = tree
      .entries()
      .map(([p]) => p)
      .filter((p) => p.split('/').at(-1) === base);
    const hint = near.length > 0 ? ` (did you mean ${near.map(display).join(' or ')}?)` : '';
    return `${display(file)}: Beelab does not generate ${target}, so this override would do nothing${hint}`;
  }
  if (suffix === APPEND_SUFFIX) return { file, target, kind: 'append' };
  if (!MERGEABLE.test(target)) {
    return `${display(file)}: only .yaml, .yml and .json files can be merged into; use ${display(target)} to replace ${target} or ${display(`${target}${APPEND_SUFFIX}`)} to append to it`;
  }
  return { file, target, kind: 'merge' };
}

function readPatch(file: string, text: string): unknown {
  if (file.endsWith('.json')) return JSON.parse(text);
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return {};
  if (docs.length > 1)
    throw new Error('a merge file holds one YAML document (index documents by key instead)');
  const error = docs[0]?.errors[0];
  if (error) throw new Error(error.message);
  return parse(text);
}

function mergeYaml(target: string, content: string, patch: unknown): string {
  // compat: re-quote like toYaml does, so "yes" or "0644" stay strings for YAML 1.1 readers too.
  const parsed = parseAllDocuments(content, { compat: YAML_COMPAT });
  const docs = Array.isArray(parsed) ? parsed : [];
  const error = docs.flatMap((d) => d.errors)[0];
  if (error) throw new Error(`${target} is not valid YAML: ${error.message}`);
  if (!isPlainObject(patch)) throw new Error('the patch must be a map of keys');
  const targets: [number, Record<string, unknown>][] = [];
  if (docs.length <= 1) {
    targets.push([0, patch]);
  } else {
    const indices = docs.map((_, i) => String(i)).join(', ');
    for (const [key, value] of Object.entries(patch)) {
      if (!/^\d+$/.test(key) || Number(key) >= docs.length) {
        throw new Error(
          `${target} has ${docs.length} YAML documents; key the patch by document index (${indices}), got ${JSON.stringify(key)}`,
        );
      }
      if (!isPlainObject(value)) throw new Error(`the patch for document ${key} must be a map of keys`);
      targets.push([Number(key), value]);
    }
  }
  // An empty (or comment-only) file: the patch becomes its content rather than being dropped.
  if (docs.length === 0) {
    return appendText(content, toYaml(mergePatch(undefined, patch)));
  }
  for (const [index, docPatch] of targets) {
    const doc = docs[index]!;
    if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
    if (!isMap(doc.contents))
      throw new Error(`document ${index} of ${target} is not a map, so it cannot be merged into`);
    mergePatchYaml(doc, doc.contents, docPatch, docs.length > 1 ? `[${index}]` : '');
  }
  return docs.map((d) => d.toString({ lineWidth: 0 })).join('');
}

function mergeJson(target: string, content: string, patch: unknown): string {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (err) {
    throw new Error(`${target} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(patch)) throw new Error('the patch must be an object');
  return toJson(mergePatch(value, patch));
}

function appendText(content: string, extra: string): string {
  return content === '' || content.endsWith('\n') ? content + extra : `${content}\n${extra}`;
}

/** What each override file does, in path order; throws a UserError listing every file that cannot apply. */
export function planOverrides(tree: FileTree, files: OverrideFiles): OverrideAction[] {
  const actions: OverrideAction[] = [];
  const errors: string[] = [];
  for (const file of [...files.keys()].sort()) {
    const result = classify(file, tree);
    if (typeof result === 'string') errors.push(result);
    else actions.push(result);
  }
  const merges = new Map<string, string[]>();
  for (const a of actions.filter((x) => x.kind === 'merge'))
    merges.set(a.target, [...(merges.get(a.target) ?? []), a.file]);
  for (const [target, list] of merges) {
    if (list.length > 1)
      errors.push(
        `${list.map(display).join(' and ')}: only one merge file per target (${target}); combine them`,
      );
  }
  if (errors.length > 0) throw overrideError(errors);
  return actions;
}

function overrideError(errors: string[]): UserError {
  return new UserError(`${errors.length} override file(s) in ${OVERRIDES_DIR}/ cannot be applied`, [
    ...errors.map((e) => `  ${e}`),
    `See docs/overrides.md: overrides/<path> replaces, <path>.merge.yaml|.merge.json deep-merges, <path>.append appends.`,
  ]);
}

/**
 * Applies overrides to a rendered tree, pure: (tree, override files) → new tree with the same paths, layers and
 * modes. Per target the order is replace, then merge, then append.
 */
export function applyOverrides(tree: FileTree, files: OverrideFiles): FileTree {
  if (files.size === 0) return tree;
  const actions = planOverrides(tree, files);
  const order: Record<Kind, number> = { replace: 0, merge: 1, append: 2 };
  actions.sort((a, b) => order[a.kind] - order[b.kind]);
  const contents = new Map<string, string>();
  const errors: string[] = [];
  for (const { file, target, kind } of actions) {
    const current = contents.get(target) ?? tree.get(target)!.content;
    const text = files.get(file)!;
    try {
      if (kind === 'replace') contents.set(target, text);
      else if (kind === 'append') contents.set(target, appendText(current, text));
      else {
        let patch: unknown;
        try {
          patch = readPatch(file, text);
        } catch (err) {
          throw new Error(`cannot parse: ${(err as Error).message}`);
        }
        contents.set(
          target,
          /\.json$/.test(target) ? mergeJson(target, current, patch) : mergeYaml(target, current, patch),
        );
      }
    } catch (err) {
      const why = err instanceof MissingKeyError ? err.message : (err as Error).message;
      errors.push(`${display(file)}: ${why}`);
    }
  }
  if (errors.length > 0) throw overrideError(errors);
  const out = new FileTree();
  for (const [path, entry] of tree.entries())
    out.add(path, contents.get(path) ?? entry.content, entry.layer, entry.mode);
  return out;
}
