// Which relative paths the writer may touch: never the user's inputs, overrides, git data or its own state.

/** Paths Beelab never writes or removes, whatever a tree or a manifest says. */
export const PROTECTED_FILES = ['beelab.yaml', 'beelab.lock.yaml'] as const;
/** Folders Beelab never writes into or removes from (.beelab is written only by the manifest code). */
export const PROTECTED_DIRS = ['overrides', '.git', '.beelab'] as const;

/** A normalised relative POSIX path: no leading '/', no '.', '..' or empty segment, no NUL or backslash. */
export function isSafeRelativePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || /[\0\\]/.test(path)) return false;
  return path.split('/').every((p) => p !== '' && p !== '.' && p !== '..');
}

export function isProtectedPath(path: string): boolean {
  if ((PROTECTED_FILES as readonly string[]).includes(path)) return true;
  const top = path.split('/')[0]!;
  return (PROTECTED_DIRS as readonly string[]).includes(top);
}
