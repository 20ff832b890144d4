// Maps a path inside a YAML/JSON document (`services.web.ports`, `/spec/addresses/0`) to its line and column.
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

/**
 * The position of the deepest node along `path` that exists: the key for a mapping entry, the item for
 * a sequence index. A path that leaves the document stops at the last node found; undefined only when
 * the document has no content.
 */
export function locateInDocument(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
): Position | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}

/** Same, parsing `text` first; `docIndex` picks a document of a multi-document file. */
export function locateYamlPath(
  text: string,
  path: readonly (string | number)[],
  docIndex = 0,
): Position | undefined {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(docs)) return undefined;
  const doc = docs[docIndex];
  return doc ? locateInDocument(doc, lineCounter, path) : undefined;
}

/** `/a/b~1c/0` (JSON Pointer, as ajv reports instancePath) → ['a', 'b/c', '0']. */
export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}
