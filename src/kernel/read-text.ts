// Reading a file the user named: a failure becomes the caller's error, worded for what the file is.
import { readFile } from 'node:fs/promises';

/**
 * The file's UTF-8 text. When it cannot be read, throws what `unreadable` makes of the errno code
 * (`ENOENT`: it does not exist) and the original error.
 */
export async function readText(
  file: string,
  unreadable: (code: string | undefined, err: unknown) => Error,
): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw unreadable((err as NodeJS.ErrnoException).code, err);
  }
}
