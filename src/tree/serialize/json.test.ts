import { describe, expect, it } from 'vitest';
import { toJson } from './json.ts';

describe('toJson', () => {
  it('uses 2-space indent and a trailing newline', () => {
    expect(toJson({ a: [1, { b: 'c' }] })).toBe(
      '{\n  "a": [\n    1,\n    {\n      "b": "c"\n    }\n  ]\n}\n',
    );
  });

  it('sorts keys deeply only when asked', () => {
    const v = { b: 1, a: { d: 1, c: [{ z: 1, y: 2 }] } };
    expect(Object.keys(JSON.parse(toJson(v)))).toEqual(['b', 'a']);
    expect(toJson(v, { sortKeys: true })).toBe(toJson({ a: { c: [{ y: 2, z: 1 }], d: 1 }, b: 1 }));
  });

  it('escapes and round-trips awkward strings', () => {
    const v = { q: 'say "hi"\\ \n\t\u0001 </script> \u2028 é' };
    expect(JSON.parse(toJson(v))).toEqual(v);
  });

  it.each([
    [{ a: Number.NaN }, '$.a is NaN'],
    [{ a: [1, Number.POSITIVE_INFINITY] }, '$.a[1] is Infinity'],
    [{ a: 1n }, '$.a is a bigint'],
  ])('refuses values JSON cannot hold: %o', (value, message) => {
    expect(() => toJson(value)).toThrow(message);
  });
});
