// beelab.yaml as bytes (issue 9 item 6): what render accepts, check accepts. A BOM and CRLF are normalised;
// invalid UTF-8, UTF-16, NUL and other characters YAML forbids are refused at their line and column.
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/parse.ts';
import { decodeYamlBytes } from './read-yaml.ts';

const TEXT = 'version: 1\nsite:\n  name: demo\n  domain: lab.example.com\n';
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('accepted and normalised', () => {
  it.each<[string, Uint8Array]>([
    ['CRLF line ends', bytes(TEXT.replace(/\n/g, '\r\n'))],
    ['lone CR line ends', bytes(TEXT.replace(/\n/g, '\r'))],
    ['a UTF-8 BOM', bytes([0xef, 0xbb, 0xbf], TEXT)],
    ['a BOM and CRLF', bytes([0xef, 0xbb, 0xbf], TEXT.replace(/\n/g, '\r\n'))],
    ['non-ASCII text (é, ß, emoji, and a real U+FFFD)', bytes(TEXT, 'ups: { model: "Éaton ß 🔋 \uFFFD" }\n')],
  ])('%s', (_name, input) => {
    const decoded = decodeYamlBytes(input, 'beelab.yaml');
    expect(decoded.diagnostics).toEqual([]);
    expect(decoded.text).not.toMatch(/\r|^\uFEFF/);
    const parsed = parseSpec(input);
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(parsed.spec?.site).toEqual({ name: 'demo', domain: 'lab.example.com' });
  });
});

it('a tab inside a value is decoded as is; a one-line field (the UPS model) then refuses it, located', () => {
  const input = bytes(TEXT, 'ups: { model: "a\tb" }\n');
  expect(decodeYamlBytes(input, 'beelab.yaml').diagnostics).toEqual([]);
  const errors = parseSpec(input).diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => [d.code, d.message.includes('must be one line of text')])).toEqual([
    ['spec/schema', true],
  ]);
});

describe('refused at parse, located', () => {
  it.each<[string, Uint8Array, string, string]>([
    ['a NUL byte', bytes(TEXT, 'ups: { model: "a\0b" }\n'), '5:17', 'a NUL byte (U+0000)'],
    ['a NUL byte in a plain value', bytes(TEXT.replace('demo', 'de\0mo')), '3:11', 'a NUL byte'],
    [
      'an escape character',
      bytes(TEXT, 'ups: { model: x\x1b[31m }\n'),
      '5:16',
      'the control character U+001B',
    ],
    ['DEL', bytes(TEXT, 'ups: { model: x\x7f }\n'), '5:16', 'U+007F'],
    ['a C1 control', bytes(TEXT, 'ups: { model: x\u0090 }\n'), '5:16', 'U+0090'],
    [
      'a Latin-1 byte (invalid UTF-8)',
      bytes(TEXT, 'ups: { model: "Caf', [0xe9], '" }\n'),
      '5:19',
      'not valid UTF-8 here (bytes e9',
    ],
    [
      'invalid UTF-8 after multi-byte text on the line',
      bytes(TEXT, 'ups: { model: "éé', [0xff], '" }\n'),
      '5:18',
      'not valid UTF-8',
    ],
    ['a lone continuation byte', bytes(TEXT, [0x80], 'x: 1\n'), '5:1', 'not valid UTF-8'],
    ['a truncated sequence at the end', bytes(TEXT, 'x: ', [0xe2, 0x82]), '5:4', 'not valid UTF-8'],
    ['an overlong encoding', bytes(TEXT, 'x: ', [0xc0, 0xaf], '\n'), '5:4', 'not valid UTF-8'],
    ['an encoded surrogate', bytes(TEXT, 'x: ', [0xed, 0xa0, 0x80], '\n'), '5:4', 'not valid UTF-8'],
    [
      'a code point over U+10FFFF',
      bytes(TEXT, 'x: ', [0xf4, 0x90, 0x80, 0x80], '\n'),
      '5:4',
      'not valid UTF-8',
    ],
    ['UTF-16 (LE BOM)', bytes([0xff, 0xfe], 'v'), '1:1', 'UTF-16'],
    [
      'a NUL in a CRLF file (line counted after normalising)',
      bytes(TEXT.replace(/\n/g, '\r\n'), 'a: "\0"\r\n'),
      '5:5',
      'NUL',
    ],
  ])('%s', (_name, input, at, text) => {
    const { diagnostics, spec } = parseSpec(input);
    expect(spec).toBeUndefined();
    const hit = diagnostics.find((d) => d.code === 'spec/encoding' && d.message.includes(text));
    expect(hit, diagnostics.map((d) => d.message).join('\n')).toBeDefined();
    expect(`${hit!.location?.line}:${hit!.location?.col}`).toBe(at);
    expect(hit!.hint).toBeTruthy();
  });

  it('the same check runs on text (init and tests pass strings)', () => {
    expect(parseSpec(`${TEXT}x: "\0"\n`).diagnostics.map((d) => d.code)).toEqual(['spec/encoding']);
  });

  it('a binary file gives a bounded number of errors, one per line', () => {
    const junk = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? 10 : 1)));
    const { diagnostics } = parseSpec(junk);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.length).toBeLessThanOrEqual(20);
  });
});
