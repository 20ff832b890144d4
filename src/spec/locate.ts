// Maps a path inside beelab.yaml (['network', 'vlans', 2, 'cidr']) to its line and column.
import { type Document, isMap, isNode, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';
import type { Location } from '../kernel/diagnostic.ts';

export type SpecPath = readonly (string | number)[];

/** `network.vlans[2].cidr` for ['network', 'vlans', 2, 'cidr']. */
export function pathText(path: SpecPath): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s || '(top level)';
}

export class SpecLocator {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  /** The node at a path, or the deepest existing ancestor when the path does not exist. */
  #node(path: SpecPath, wantKey: boolean): Node | undefined {
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p: Pair) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) return node as Node;
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        keyNode = undefined;
        node = node.items[seg];
      } else {
        break;
      }
    }
    if (wantKey && isNode(keyNode)) return keyNode;
    return isNode(node) ? node : undefined;
  }

  /** Location of the value (or, with key=true, of the key) at a path. */
  locate(path: SpecPath, key = false): Location {
    const node = this.#node(path, key);
    const offset = node?.range?.[0];
    if (offset === undefined) return { file: this.file, line: 1, col: 1 };
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** True when the path exists in the document. */
  has(path: SpecPath): boolean {
    return this.doc.hasIn(path as (string | number)[]);
  }
}
