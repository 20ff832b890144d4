// Progress of a long command (check, lab up/test, status): on a terminal one live line with a spinner, a bar,
// the counts, the elapsed time and what is running; in CI, pipes and logs plain lines that stay readable.
// It writes to stderr so that stdout (a report, JSON) stays clean for scripts.

type Out = { write(s: string): unknown; isTTY?: boolean; columns?: number };

export interface Progress {
  /** How many units there are (once known); 0 or unset shows no bar. */
  setTotal(total: number): void;
  /** More units became known (a phase planned its work). */
  addTotal(more: number): void;
  /** A unit begins: shown as running on a terminal. */
  start(name: string): void;
  /** A unit ends; `outcome` is a word or two ("passed", "3 errors"). Counts towards the total. */
  done(name: string, outcome?: string): void;
  /** A line that stays, printed as given (a phase finished, a warning). */
  note(line: string): void;
  /**
   * Stops the live line. A summary line follows: `summary` if given, else on plain lines the counts and the
   * time; none with `false` (the caller prints its own).
   */
  close(summary?: string | false): void;
}

export interface ProgressOptions {
  /** The command, first word of every line: `check`, `lab up`. */
  label: string;
  /** What is counted, plural: `validators`, `probes`. */
  unit: string;
  total?: number;
  /** Default: process.stderr. */
  out?: Out;
  /** Live line or plain lines; default: a terminal that is not CI's. */
  live?: boolean;
  /** On plain lines, one line per finished unit (default); false: only notes and the summary. */
  eachLine?: boolean;
  /** Milliseconds, for tests. */
  now?: () => number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** `[#####-----]`: the share done, `width` characters wide. */
export function bar(done: number, total: number, width = 30): string {
  const fill = total <= 0 ? width : Math.min(width, Math.round((done / total) * width));
  return `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}]`;
}

export function seconds(ms: number): string {
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Whether progress should be a live line: a terminal, and not a CI runner (which sets CI). */
export function isLive(out: Out): boolean {
  return out.isTTY === true && !process.env.CI && process.env.TERM !== 'dumb';
}

export function createProgress(opts: ProgressOptions): Progress {
  const out = opts.out ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const live = opts.live ?? isLive(out);
  const t0 = now();
  let total = opts.total ?? 0;
  let finished = 0;
  const running = new Map<string, number>();
  let frame = 0;
  let shown = false;
  let closed = false;

  const counts = () =>
    total > 0 ? `${finished}/${total} ${opts.unit}` : finished > 0 ? `${finished} ${opts.unit}` : '';
  const liveLine = () => {
    const names = [...running.keys()];
    const more = names.length > 3 ? ` +${names.length - 3}` : '';
    const what = names.length > 0 ? ` · ${names.slice(0, 3).join(', ')}${more}` : '';
    const parts = [total > 0 ? `${bar(finished, total, 20)} ${counts()}` : counts(), seconds(now() - t0)];
    const text = `${SPINNER[frame++ % SPINNER.length]} ${opts.label} ${parts.filter(Boolean).join(' · ')}${what}`;
    return text.slice(0, Math.max(20, (out.columns || 100) - 1));
  };
  const erase = () => {
    if (shown) out.write('\r\x1b[2K');
    shown = false;
  };
  const draw = () => {
    if (closed) return;
    erase();
    out.write(liveLine());
    shown = true;
  };
  const timer = live ? setInterval(draw, 100) : undefined;
  timer?.unref();
  const print = (line: string) => {
    if (live) {
      erase();
      out.write(`${line}\n`);
      draw();
    } else out.write(`${line}\n`);
  };

  return {
    setTotal(n) {
      total = n;
    },
    addTotal(more) {
      total += more;
    },
    start(name) {
      running.set(name, now());
      if (live) draw();
    },
    done(name, outcome) {
      const began = running.get(name);
      running.delete(name);
      finished++;
      if (live) draw();
      else if (opts.eachLine !== false) {
        const took = began === undefined ? '' : ` (${seconds(now() - began)})`;
        out.write(`${opts.label} [${counts()}] ${name}${outcome ? ` ${outcome}` : ''}${took}\n`);
      }
    },
    note(line) {
      print(line);
    },
    close(summary) {
      if (closed) return;
      if (timer) clearInterval(timer);
      erase();
      closed = true;
      if (summary === false) return;
      if (summary !== undefined || !live)
        out.write(
          `${opts.label}: ${summary ?? [counts(), `${seconds(now() - t0)}`].filter(Boolean).join(' in ')}\n`,
        );
    },
  };
}
