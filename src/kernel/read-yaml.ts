// Reads beelab.yaml (and init's answers files) from bytes to plain data, refusing what a YAML library would turn
// into a crash, a silent surprise or a file that `beelab check`'s yamllint rejects. Every refusal is located.
//
// Decisions, per input class:
// - a UTF-8 byte order mark and CRLF (or lone CR) line ends are accepted and normalised to plain UTF-8 with LF;
// - invalid UTF-8, UTF-16, NUL and the other characters YAML forbids (C0/C1 controls but tab, U+FFFE/U+FFFF)
//   are refused at their line and column: they are never what the user meant, and yamllint refuses them too;
// - tags: only YAML's core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq and the non-specific !)
//   are read; any other (!include, !!binary, !!set, !!timestamp, ...) is refused rather than dropped or mapped
//   to a Buffer, Set or Date that no field expects;
// - anchors and aliases are allowed however many (the library's own guard stops at 100, which legitimate files
//   with shared target lists reach), but bounded by what they expand to: MAX_ALIAS_EXPANSION values in all.
//   An alias to an undefined anchor, or to the node it sits in (a value that contains itself), is refused;
// - a mapping key must be a scalar: a [list] or {map} as a key, or an alias as a key, is refused.

import type { Document, YAMLError } from 'yaml';
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Diagnostic, Location } from './diagnostic.ts';

/** What aliases may add to the document, in values (scalars and collections), before it is refused. */
export const MAX_ALIAS_EXPANSION = 100_000;

/** Core-schema tags: a value tagged with one of these is what it would be without the tag, or a string. */
const CORE_TAGS = new Set([
  '!',
  ...['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
]);

export interface YamlText {
  /** The text as decoded and normalised (no BOM, LF line ends); empty when decoding failed. */
  text: string;
  diagnostics: Diagnostic[];
}

/** Byte offset of the first invalid UTF-8 sequence, or -1. */
function invalidUtf8At(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** Line and column (in characters) of a byte offset in a file whose bytes before `offset` are valid UTF-8. */
function bytePos(b: Uint8Array, offset: number): { line: number; col: number } {
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const prefix = new TextDecoder('utf-8').decode(b.subarray(lineStart, offset));
  return { line, col: [...prefix].length + 1 };
}

/** The YAML-forbidden character a code point is, named for a message; undefined when YAML allows it. */
function forbidden(cp: number): string | undefined {
  if (cp === 9 || cp === 10 || cp === 13 || cp === 0x85) return undefined;
  if (cp === 0) return 'a NUL byte (U+0000)';
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `the control character ${hex}`;
  if (cp === 0xfffe || cp === 0xffff) return `the non-character ${hex}`;
  return undefined;
}

/**
 * Decodes beelab.yaml's bytes: strips a UTF-8 BOM, refuses invalid UTF-8 and UTF-16 at their position, then
 * normalises line ends and refuses characters YAML forbids (see normaliseYamlText).
 */
export function decodeYamlBytes(bytes: Uint8Array, file: string): YamlText {
  let b = bytes;
  const at = (loc: { line: number; col: number }): Location => ({ file, ...loc });
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
    return {
      text: '',
      diagnostics: [
        {
          code: 'spec/encoding',
          severity: 'error',
          message: `${file} is UTF-16 encoded; Beelab reads UTF-8`,
          location: at({ line: 1, col: 1 }),
          hint: 'save it as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)',
        },
      ],
    };
  }
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  const bad = invalidUtf8At(b);
  if (bad >= 0) {
    const hex = [...b.subarray(bad, bad + 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
    return {
      text: '',
      diagnostics: [
        {
          code: 'spec/encoding',
          severity: 'error',
          message: `${file} is not valid UTF-8 here (bytes ${hex})`,
          location: at(bytePos(b, bad)),
          hint: 'save the file as UTF-8; a Latin-1 character (é, ü, ß) pasted from another program is the usual cause',
        },
      ],
    };
  }
  return normaliseYamlText(new TextDecoder('utf-8').decode(b), file);
}

/** CRLF and lone CR become LF, a leading BOM goes; forbidden characters (NUL, controls) are located errors. */
export function normaliseYamlText(input: string, file: string): YamlText {
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const diagnostics: Diagnostic[] = [];
  let line = 1;
  let col = 1;
  let reportedLine = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const what = forbidden(cp);
    // One error per line is enough to find them; a binary file would otherwise give thousands.
    if (what && reportedLine !== line && diagnostics.length < 20) {
      reportedLine = line;
      diagnostics.push({
        code: 'spec/encoding',
        severity: 'error',
        message: `${file} contains ${what}, which YAML does not allow`,
        location: { file, line, col },
        hint:
          cp === 0
            ? 'the file holds binary data or was damaged; remove the character (YAML text has no NUL)'
            : 'remove it; write it as an escape inside a double-quoted string if you meant it (e.g. "\\t")',
      });
    }
    if (cp === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return { text, diagnostics };
}

export interface YamlData {
  doc: Document;
  lines: LineCounter;
  /** The data, present only when there is no error. Aliases are expanded: no two paths share an object. */
  data?: unknown;
  diagnostics: Diagnostic[];
}

/** Offset of the first non-blank character at or after `offset` on its line (or `offset`). */
function firstNonBlank(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i < text.length && text[i] !== '\n' ? i : offset;
}

/** Start of the line after the one holding `offset`, or -1. */
function nextLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? -1 : nl + 1;
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') n++;
  return n;
}

/** Every node of the document in source order, with whether it is a flow collection or quoted scalar. */
function allNodes(doc: Document): Node[] {
  const out: Node[] = [];
  const walk = (n: unknown) => {
    if (isPair(n)) {
      walk(n.key);
      walk(n.value);
    } else if (isNode(n)) {
      out.push(n);
      if (isMap(n) || isSeq(n)) for (const it of n.items) walk(it);
    }
  };
  walk(doc.contents);
  return out;
}

interface Placed {
  offset: number;
  message: string;
  hint: string;
}

/**
 * Where a syntax error really is. The parser reports an unclosed [ or { at the next key and an unclosed quote
 * at the end of the file, an over-indented line at the line above it, and a bad indent at the line's first
 * (blank) column: point at the bracket, the quote and the misplaced key instead.
 */
function placeError(e: YAMLError, text: string, doc: Document): Placed | undefined {
  const pos = e.pos[0];
  const first = e.message.split('\n')[0]!;
  const flow = /^Flow (sequence|map) in block collection/.exec(first);
  if (flow) {
    const [open, close] = flow[1] === 'sequence' ? ['[', ']'] : ['{', '}'];
    const unclosed = allNodes(doc)
      .filter((n) => (isSeq(n) || isMap(n)) && n.flow && n.range && n.range[0] < pos)
      .filter(
        (n) => text[n.range![0]] === open && !text.slice(n.range![0], n.range![1]).trimEnd().endsWith(close),
      )
      .pop();
    if (unclosed?.range) {
      return {
        offset: unclosed.range[0],
        message: `this ${open} is never closed: a flow ${flow[1]} must end with ${close} on the lines it spans`,
        hint: `add the missing ${close}, or write the items as a block ${flow[1] === 'sequence' ? 'list (one "- item" per line)' : 'mapping (one "key: value" per line)'}`,
      };
    }
  }
  const quote = /^Missing closing ("|')quote/.exec(first);
  if (quote) {
    const type = quote[1] === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
    const open = allNodes(doc)
      .filter((n) => isScalar(n) && n.type === type && n.range && n.range[0] < pos)
      .pop();
    if (open?.range) {
      return {
        offset: open.range[0],
        message: `this ${quote[1]} is never closed: the string runs to the end of the file`,
        hint: `add the closing ${quote[1]} at the end of the value`,
      };
    }
  }
  const spansLines = doc.errors.some((x) => x.code === 'MULTILINE_IMPLICIT_KEY' && x.pos[0] === pos);
  if ((e.code === 'MULTILINE_IMPLICIT_KEY' || e.code === 'BLOCK_AS_IMPLICIT_KEY') && spansLines) {
    // `name: demo` then `   domain: x` one column deeper: YAML reads "demo domain" as a key spanning two lines.
    let at = nextLine(text, pos);
    while (at >= 0 && at < text.length && firstNonBlank(text, at) === at && /\s/.test(text[at] ?? ''))
      at = nextLine(text, at);
    if (at >= 0 && at < text.length) {
      const offset = firstNonBlank(text, at);
      return {
        offset,
        message: `this line is indented deeper than the key on line ${lineOf(text, pos)} above it, so YAML reads it as part of that value`,
        hint: 'line it up with the other keys of its mapping (same number of spaces)',
      };
    }
  }
  if (e.code === 'BAD_INDENT' || e.code === 'MISSING_CHAR' || e.code === 'UNEXPECTED_TOKEN') {
    return {
      offset: firstNonBlank(text, pos),
      message: `YAML syntax error: ${first}`,
      hint: 'line this key up with the other keys of its mapping, and list items under their key',
    };
  }
  return undefined;
}

/**
 * Parses YAML text to data: syntax errors, unknown tags, bad aliases and complex keys are located diagnostics,
 * and `data` is set only when there are none. Never throws on any input.
 */
export function readYaml(text: string, file: string): YamlData {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  const loc = (offset: number): Location => ({ file, ...lines.linePos(offset) });
  const seen = new Set<string>();
  for (const e of doc.errors) {
    const placed = placeError(e, text, doc);
    const location = loc(placed?.offset ?? e.pos[0]);
    const key = `${location.line}:${location.col}`;
    // The parser often reports one mistake twice at one place (an over-indented line is both errors below).
    if (placed && seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({
      code: 'spec/yaml',
      severity: 'error',
      message: placed?.message ?? `YAML syntax error: ${e.message.split('\n')[0]}`,
      location,
      hint:
        placed?.hint ??
        (e.code === 'DUPLICATE_KEY'
          ? 'remove one of the two keys'
          : 'check indentation and quoting on this line'),
    });
  }
  if (diagnostics.length > 0) return { doc, lines, diagnostics };
  diagnostics.push(...structure(doc, text, loc));
  // Warnings are tags the schema cannot resolve (!include, !!int x): never silently taken as text.
  for (const w of doc.warnings) {
    const location = loc(w.pos[0]);
    if (diagnostics.some((d) => d.location?.line === location.line && d.code === 'spec/yaml-tag')) continue;
    diagnostics.push({
      code: w.code === 'TAG_RESOLVE_FAILED' ? 'spec/yaml-tag' : 'spec/yaml',
      severity: 'error',
      message: `YAML: ${w.message.split('\n')[0]}`,
      location,
      hint: 'beelab.yaml is plain YAML: remove the tag (tags such as !include are not read)',
    });
  }
  if (diagnostics.length > 0) return { doc, lines, diagnostics };
  let data: unknown;
  try {
    // The expansion is already bounded by structure(); the library's count guard (100 aliases) is not needed.
    data = doc.toJS({ maxAliasCount: -1 }) ?? {};
  } catch (err) {
    // Not expected after structure(); still a located user error rather than a crash.
    const first = allNodes(doc).find((n) => isAlias(n));
    diagnostics.push({
      code: 'spec/yaml',
      severity: 'error',
      message: `YAML could not be read: ${(err as Error).message}`,
      location: loc(first?.range?.[0] ?? 0),
      hint: 'remove the anchors (&name) and aliases (*name) and write the values out',
    });
    return { doc, lines, diagnostics };
  }
  // Aliases share one object between paths; a copy makes the data a tree, as if written out.
  return { doc, lines, data: JSON.parse(JSON.stringify(data)) as unknown, diagnostics };
}

/** Tags, aliases and keys, in one pass over the document in source order. */
function structure(doc: Document, text: string, loc: (offset: number) => Location): Diagnostic[] {
  const out: Diagnostic[] = [];
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let expanded = 0;
  const error = (code: string, offset: number, message: string, hint: string) =>
    out.push({ code, severity: 'error', message, location: loc(offset), hint });
  const visit = (node: unknown): number => {
    if (!isNode(node)) return 0;
    const start = node.range?.[0] ?? 0;
    if (isAlias(node)) {
      const source = anchors.get(node.source);
      if (!source) {
        error(
          'spec/yaml-alias',
          start,
          `alias *${node.source} refers to no anchor &${node.source} defined above it`,
          `define &${node.source} on a value before this line, or write the value out here`,
        );
        return 1;
      }
      if (open.has(source)) {
        error(
          'spec/yaml-alias',
          start,
          `alias *${node.source} sits inside the value anchored &${node.source}: that value would contain itself`,
          'point the alias at another value, or write the value out',
        );
        return 1;
      }
      const size = sizes.get(source) ?? 1;
      const before = expanded;
      expanded += size;
      if (before <= MAX_ALIAS_EXPANSION && expanded > MAX_ALIAS_EXPANSION) {
        error(
          'spec/yaml-alias',
          start,
          `aliases expand beelab.yaml to over ${MAX_ALIAS_EXPANSION.toLocaleString('en')} values (here, *${node.source} adds ${size.toLocaleString('en')})`,
          'nested aliases multiply (a "billion laughs"): write the values out, or alias smaller values',
        );
      }
      return size;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) {
      // The node starts at its value; its tag is the !-token before it on the same line.
      let bang = text.lastIndexOf('!', start);
      while (bang > 0 && !/[\s,[{]/.test(text[bang - 1]!)) bang--;
      const tagAt = bang >= 0 && text[bang] === '!' && !text.slice(bang, start).includes('\n') ? bang : start;
      if (!doc.warnings.some((w) => w.pos[0] === tagAt)) {
        error(
          'spec/yaml-tag',
          tagAt,
          `YAML tag ${node.tag.replace(/^tag:yaml\.org,2002:/, '!!')} is not supported`,
          'beelab.yaml is plain YAML: remove the tag (only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are read)',
        );
      }
    }
    let size = 1;
    if (isMap(node) || isSeq(node)) {
      open.add(node);
      for (const item of node.items) {
        if (isPair(item)) {
          const key = item.key;
          if (isNode(key) && !isScalar(key)) {
            error(
              'spec/yaml-key',
              key.range?.[0] ?? start,
              `a ${isAlias(key) ? 'alias' : isSeq(key) ? 'list' : 'mapping'} cannot be a key: beelab.yaml keys are plain names`,
              'write the key as a name, e.g. `name: value`; `? ` introduces complex keys, which are not supported',
            );
          }
          size += visit(key) + visit(item.value);
        } else size += visit(item);
      }
      open.delete(node);
    }
    sizes.set(node, size);
    return size;
  };
  visit(doc.contents);
  return out;
}
