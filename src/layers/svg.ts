// SVG building blocks shared by the generated diagrams (docs/rack.svg, architecture.svg, network.svg):
// escaping, text that never leaves its box, and one palette readable in light and dark mode.

/** Escapes text and attribute values. */
export function esc(s: string | number): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Average advance of a character at 11px in a sans-serif font, per text class, to decide when to squeeze. */
const CHAR: Record<string, number> = {
  '': 6.4,
  muted: 6.4,
  small: 5.9,
  u: 6,
  label: 7.2,
  title: 9.2,
  head: 7.6,
};

/** Estimated width of a line of text in a class. */
export function textWidth(s: string, cls = ''): number {
  return s.length * (CHAR[cls.split(' ')[0] ?? ''] ?? 6.4);
}

export interface TextOptions {
  cls?: string;
  anchor?: 'middle' | 'end';
  /** Extra attributes, already escaped, e.g. ` data-host="pve1"`. */
  attrs?: string;
}

/** A line of text at (x, y); squeezed to `width` when it would run past it, so text never leaves its box. */
export function svgText(x: number, y: number, s: string, width: number, opts: TextOptions = {}): string {
  const fit =
    textWidth(s, opts.cls) > width
      ? ` textLength="${Math.max(1, Math.floor(width))}" lengthAdjust="spacingAndGlyphs"`
      : '';
  const a = opts.anchor ? ` text-anchor="${opts.anchor}"` : '';
  const c = opts.cls ? ` class="${opts.cls}"` : '';
  return `<text x="${r(x)}" y="${r(y)}"${c}${a}${fit}${opts.attrs ?? ''}>${esc(s)}</text>`;
}

/** Rounds a coordinate to one decimal, so the output does not depend on floating-point noise. */
export function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/**
 * The colour classes of the diagrams: what a box is for. Light colours by default and dark ones under
 * prefers-color-scheme, so a git host shows them readable in either theme.
 */
export const PALETTE_CSS = `
text { font-family: ui-sans-serif, system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 11px; fill: #1f2328; }
.bg { fill: #ffffff; }
.title { font-size: 15px; font-weight: 600; }
.head { font-size: 12px; font-weight: 600; }
.label { font-weight: 600; }
.small { font-size: 10px; }
.muted { fill: #59636e; }
.network { fill: #ddf4ff; stroke: #0969da; }
.compute { fill: #dafbe1; stroke: #1a7f37; }
.orchestration { fill: #d8f3f1; stroke: #1b7c83; }
.devops { fill: #fff1e5; stroke: #bc4c00; }
.backup { fill: #fff8c5; stroke: #9a6700; }
.security { fill: #ffebe9; stroke: #cf222e; }
.ai { fill: #fbefff; stroke: #8250df; }
.observability { fill: #eef1ff; stroke: #4f5bd5; }
.pi { fill: #ffeff7; stroke: #bf3989; }
.power { fill: #eaeef2; stroke: #424a53; }
.blank, .other { fill: #f6f8fa; stroke: #818b98; }
@media (prefers-color-scheme: dark) {
  text { fill: #f0f6fc; }
  .bg { fill: #0d1117; }
  .muted { fill: #9198a1; }
  .network { fill: #0c2d6b; stroke: #4493f8; }
  .compute { fill: #0f3d1f; stroke: #3fb950; }
  .orchestration { fill: #0b3735; stroke: #39c5cf; }
  .devops { fill: #3d1d00; stroke: #f0883e; }
  .backup { fill: #3b2e00; stroke: #d29922; }
  .security { fill: #490202; stroke: #f85149; }
  .ai { fill: #2e1461; stroke: #ab7df8; }
  .observability { fill: #1d2150; stroke: #8b96f8; }
  .pi { fill: #4d1035; stroke: #db61a2; }
  .power { fill: #262c36; stroke: #9198a1; }
  .blank, .other { fill: #151b23; stroke: #656c76; }
}
`;
