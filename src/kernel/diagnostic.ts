// The one shape every check returns: rules, policy invariants and external validators alike.

export type Severity = 'error' | 'warning' | 'info';

export interface Location {
  /** File relative to the site directory, e.g. `beelab.yaml` or `ansible/inventory.yml`. */
  file: string;
  line?: number;
  col?: number;
}

export interface Diagnostic {
  /** Stable code, e.g. `net/overlap` or `yamllint`. */
  code: string;
  severity: Severity;
  message: string;
  location?: Location;
  hint?: string;
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  if (loc.line === undefined) return loc.file;
  return `${loc.file}:${loc.line}:${loc.col ?? 1}`;
}

/** One line per diagnostic: `message; at file:line:col (hint: ...)`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = formatLocation(d.location);
  let s = `${d.severity} [${d.code}] ${d.message}`;
  if (where) s += `; at ${where}`;
  if (d.hint) s += `\n    hint: ${d.hint}`;
  return s;
}
