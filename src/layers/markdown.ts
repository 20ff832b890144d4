// Markdown building blocks for the generated docs: escaped tables and inline code, nothing clever.

/** Escapes what would break a table cell: pipes and line breaks. */
export function cell(value: string | number | undefined): string {
  if (value === undefined || value === '') return '';
  return String(value).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Inline code, for names and addresses a reader copies; empty stays empty. */
export function code(value: string | number | undefined): string {
  if (value === undefined || value === '') return '';
  const text = String(value);
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text}${fence}`;
}

/** A GitHub-flavoured table; cells are escaped here, so callers pass raw text (or `code()` output). */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number | undefined)[])[],
): string {
  const line = (cells: readonly (string | number | undefined)[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** `a`–`b` for an inclusive address range, or empty when absent. */
export function range(r: readonly [string, string] | undefined): string {
  return r ? `${r[0]} – ${r[1]}` : '';
}

/** Joins sections with one blank line and ends the document with a single newline. */
export function doc(sections: readonly string[]): string {
  return `${sections
    .filter((s) => s !== '')
    .map((s) => s.replace(/\n+$/, ''))
    .join('\n\n')}\n`;
}
