// Which relative paths the writer may touch: never the user's inputs, overrides, git data or its own state.

/**
 * Paths the tree writer never writes or removes, whatever a tree or a manifest says. The manifest is written
 * by its own code; other files under .beelab/ (such as the spec's JSON Schema) are ordinary generated files.
 */
export const PROTECTED_FILES = ['beelab.yaml', 'beelab.lock.yaml', '.beelab/manifest.json'] as const;
/** Folders the tree writer never writes into or removes from. */
export const PROTECTED_DIRS = ['overrides', '.git'] as const;

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
