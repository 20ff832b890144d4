// Cached read access to the files of a site directory, shared by every validator's `applies`.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FileSource } from './validator.ts';

export function createFileSource(dir: string): FileSource {
  const abs = resolve(dir);
  const contents = new Map<string, string>();
  const firstLines = new Map<string, string>();
  return {
    dir: abs,
    read(file) {
      let text = contents.get(file);
      if (text === undefined) {
        try {
          text = readFileSync(join(abs, file), 'utf8');
        } catch {
          text = '';
        }
        contents.set(file, text);
      }
      return text;
    },
    firstLine(file) {
      let line = firstLines.get(file) ?? contents.get(file)?.split('\n', 1)[0];
      if (line === undefined) {
        line = readHead(join(abs, file), 512).split('\n', 1)[0] ?? '';
        firstLines.set(file, line);
      }
      return line;
    },
  };
}

function readHead(path: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
