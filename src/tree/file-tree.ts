// The virtual tree of generated files that every renderer returns; serializing and writing happen elsewhere.

/** The seven layers plus security, which cuts across them; every generated file belongs to one. */
export const LAYERS = [
  'physical',
  'network',
  'devops',
  'orchestration',
  'ai',
  'backup',
  'observability',
  'security',
] as const;
export type Layer = (typeof LAYERS)[number];

export interface FileEntry {
  content: string;
  layer: Layer;
  /** POSIX mode; 0o644 by default, 0o755 for scripts. */
  mode: number;
}

export class FileTree {
  readonly #files = new Map<string, FileEntry>();

  /** Adds a file; a second file at the same path is a renderer bug, so it throws. */
  add(path: string, content: string, layer: Layer, mode = 0o644): this {
    if (path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '' || p === '.')) {
      throw new Error(`FileTree: invalid path ${JSON.stringify(path)}`);
    }
    if (this.#files.has(path)) throw new Error(`FileTree: duplicate path ${path}`);
    this.#files.set(path, { content, layer, mode });
    return this;
  }

  /** Adds every file of another tree, with the same duplicate check. */
  merge(other: FileTree): this {
    for (const [path, f] of other.entries()) this.add(path, f.content, f.layer, f.mode);
    return this;
  }

  get(path: string): FileEntry | undefined {
    return this.#files.get(path);
  }

  has(path: string): boolean {
    return this.#files.has(path);
  }

  get size(): number {
    return this.#files.size;
  }

  /** Entries sorted by path, so every consumer sees the same order. */
  entries(): [string, FileEntry][] {
    return [...this.#files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
