// A group box: a title and its hosts in columns, sized from its content. Both diagrams draw hosts this way,
// so every host is text (selectable, searchable) and carries data-host for the dashboard.
import { esc, r, svgText, textWidth } from '../../svg.ts';

export interface Entry {
  host: string;
  text: string;
}

export interface BoxContent {
  title: string;
  category: string;
  entries: Entry[];
  /** Width of one column of entries. */
  colWidth: number;
  /** Entries per column before another column starts (at most maxCols columns). */
  perColumn: number;
  maxCols: number;
}

export const LINE = 14;
const PAD = 6;
const TITLE = 17;

export interface BoxSize {
  width: number;
  height: number;
  cols: number;
  rows: number;
}

export function measureBox(b: BoxContent): BoxSize {
  const n = b.entries.length;
  const cols = Math.max(1, Math.min(b.maxCols, Math.ceil(n / b.perColumn)));
  const rows = Math.ceil(n / cols);
  const titleWidth = textWidth(`${b.title} · ${n}`, 'label') + 2 * PAD;
  const width = Math.max(cols * b.colWidth + 2 * PAD, Math.min(titleWidth, 2 * b.colWidth));
  return { width, height: TITLE + rows * LINE + PAD, cols, rows };
}

/** The box at (x, y); `size` from measureBox (a caller may widen it). */
export function drawBox(b: BoxContent, x: number, y: number, size: BoxSize, id?: string): string[] {
  const out = [
    `<g class="group"${id ? ` id="${esc(id)}"` : ''}>`,
    `<rect class="box ${b.category}" x="${r(x)}" y="${r(y)}" width="${r(size.width)}" height="${r(size.height)}" rx="4"/>`,
    svgText(x + PAD, y + 13, `${b.title} · ${b.entries.length}`, size.width - 2 * PAD, { cls: 'label' }),
  ];
  const colWidth = (size.width - 2 * PAD) / size.cols;
  b.entries.forEach((e, i) => {
    const col = Math.floor(i / size.rows);
    const row = i % size.rows;
    out.push(
      svgText(x + PAD + col * colWidth, y + TITLE + 10 + row * LINE, e.text, colWidth - 6, {
        cls: 'host',
        attrs: ` data-host="${esc(e.host)}"`,
      }),
    );
  });
  out.push('</g>');
  return out;
}

/** Greedy word wrap to `width` px (estimated), for notes under a title. */
export function wrap(s: string, width: number, cls = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && textWidth(next, cls) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}
