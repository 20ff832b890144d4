// JSON output: 2-space indent, trailing newline, optional sorted keys; refuses values JSON cannot hold.
import { sortKeysDeep } from './sort-keys.ts';

/** Options for toJson. */
export interface JsonOptions {
  /** Sort object keys (code-unit order). Default false. */
  sortKeys?: boolean;
}

/** Throws on NaN/Infinity, which JSON.stringify would silently turn into null. */
export function assertJsonSafe(value: unknown, path = '$'): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`toJson: ${path} is ${value}, which JSON cannot represent`);
  }
  if (typeof value === 'bigint') throw new Error(`toJson: ${path} is a bigint, which JSON cannot represent`);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) assertJsonSafe(v, `${path}[${i}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertJsonSafe(v, `${path}.${k}`);
  }
}

export function toJson(value: unknown, options: JsonOptions = {}): string {
  assertJsonSafe(value);
  return `${JSON.stringify(options.sortKeys ? sortKeysDeep(value) : value, null, 2)}\n`;
}
