// Bounds how deeply a request body nests, before it is parsed: deep nesting costs stack in
// JSON.stringify (a body is re-serialised for aliases and usage reporting) and serves no real request.

/**
 * True when the JSON text nests arrays and objects deeper than `max`. One pass over the bytes; string
 * contents (and their escapes) are skipped, so brackets inside strings do not count. Invalid JSON is
 * left for JSON.parse to refuse.
 */
export function jsonTooDeep(buf: Uint8Array, max: number): boolean {
  let depth = 0;
  const n = buf.length;
  for (let i = 0; i < n; i++) {
    const c = buf[i]!;
    if (c === 0x22) {
      // Skip the string: up to the next quote that is not escaped.
      for (i++; i < n; i++) {
        const s = buf[i]!;
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
