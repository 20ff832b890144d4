// Uniform XML parsing for reading generated configs back (every element an array), shared by checks and parsers.
import { XMLParser } from 'fast-xml-parser';

const RENAMED = new Set(['constructor', 'prototype', '__proto__']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  // The Dnsmasq model has a <constructor> field, a name the parser refuses as an object key.
  transformTagName: (name) => (RENAMED.has(name) ? `${name}_` : name),
});

/** A parsed XML element: attributes as `@_name`, children as arrays, text as `#text` or a bare string. */
export type Node = Record<string, unknown> | string;

/** Parses XML so every element is an array of nodes (uniform walking). */
export function parseXml(text: string): Record<string, Node[]> {
  return parser.parse(text) as Record<string, Node[]>;
}

/** Child element names of a node (no attributes, no text). */
export function childNames(node: Node): string[] {
  return typeof node === 'string'
    ? []
    : Object.keys(node).filter((k) => !k.startsWith('@_') && k !== '#text');
}

export function children(node: Node, name: string): Node[] {
  return typeof node === 'string' ? [] : ((node[name] as Node[] | undefined) ?? []);
}

export function text(node: Node | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node;
  const t = node['#text'];
  return typeof t === 'string' ? t : '';
}

export function attr(node: Node, name: string): string | undefined {
  return typeof node === 'string' ? undefined : (node[`@_${name}`] as string | undefined);
}

/** The text of the first `name` child, '' when absent. */
export function field(node: Node, name: string): string {
  return text(children(node, name)[0]);
}
