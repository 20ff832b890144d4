// JSON Merge Patch (RFC 7386) over plain values and over yaml Documents, for `.merge.yaml` overrides.
import { type Document, isMap, type YAMLMap } from 'yaml';
import { isPlainObject } from './serialize/sort-keys.ts';

/** Thrown when a patch deletes (null) a key the target does not have: almost always a typo. */
export class MissingKeyError extends Error {
  constructor(readonly keyPath: string) {
    super(`cannot delete ${keyPath}: the generated file has no such key`);
  }
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Maps merge recursively, anything else (arrays included) replaces, null deletes. Returns a new value. */
export function mergePatch(target: unknown, patch: unknown, path = ''): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      if (!(key in out)) throw new MissingKeyError(child(path, key));
      delete out[key];
    } else {
      out[key] = mergePatch(out[key], value, child(path, key));
    }
  }
  return out;
}

/**
 * The same patch applied in place to a YAML map node, so comments, key order and the style
 * of untouched values survive.
 */
export function mergePatchYaml(doc: Document, map: YAMLMap, patch: Record<string, unknown>, path = ''): void {
  for (const [key, value] of Object.entries(patch)) {
    const existing = map.get(key, true);
    if (value === null) {
      if (!map.has(key)) throw new MissingKeyError(child(path, key));
      map.delete(key);
    } else if (isPlainObject(value) && isMap(existing)) {
      mergePatchYaml(doc, existing, value, child(path, key));
    } else {
      // A patch map onto a non-map replaces it; a null inside it then names a key that does not exist.
      map.set(key, doc.createNode(mergePatch(undefined, value, child(path, key))));
    }
  }
}
