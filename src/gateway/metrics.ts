// A minimal Prometheus registry: counters, gauges and histograms rendered as text exposition 0.0.4.

/** Escapes a label value per the exposition format (backslash, quote, newline). */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Builds `a="x",b="y"` from pairs; call sites cache the result where they can. */
export function labels(pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([k, v]) => `${k}="${labelValue(v)}"`)
    .join(',');
}

interface Metric {
  render(out: string[]): void;
}

export class Counter implements Metric {
  readonly #values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** `labelText` is pre-rendered label pairs, e.g. from labels(). */
  inc(labelText = '', n = 1): void {
    this.#values.set(labelText, (this.#values.get(labelText) ?? 0) + n);
  }

  get(labelText = ''): number {
    return this.#values.get(labelText) ?? 0;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    for (const [l, v] of this.#values) out.push(`${this.name}${l ? `{${l}}` : ''} ${v}`);
  }
}

/** A gauge (or a counter kept elsewhere) whose samples are read at scrape time. */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => Iterable<[string, number]>,
    readonly type: 'gauge' | 'counter' = 'gauge',
  ) {}

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`);
    for (const [l, v] of this.read()) out.push(`${this.name}${l ? `{${l}}` : ''} ${v}`);
  }
}

interface HistogramSeries {
  counts: Float64Array;
  sum: number;
  count: number;
}

export class Histogram implements Metric {
  readonly #series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labelText: string, value: number): void {
    let s = this.#series.get(labelText);
    if (!s) {
      s = { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.#series.set(labelText, s);
    }
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]!) {
        s.counts[i]!++;
        break;
      }
    }
    s.sum += value;
    s.count++;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const [l, s] of this.#series) {
      const sep = l ? `${l},` : '';
      let cum = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cum += s.counts[i]!;
        out.push(`${this.name}_bucket{${sep}le="${this.buckets[i]}"} ${cum}`);
      }
      out.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      out.push(
        `${this.name}_sum${l ? `{${l}}` : ''} ${s.sum}`,
        `${this.name}_count${l ? `{${l}}` : ''} ${s.count}`,
      );
    }
  }
}

export class Registry {
  readonly #metrics: Metric[] = [];

  add<M extends Metric>(m: M): M {
    this.#metrics.push(m);
    return m;
  }

  render(): string {
    const out: string[] = [];
    for (const m of this.#metrics) m.render(out);
    return `${out.join('\n')}\n`;
  }
}

/** Latency buckets in seconds, from sub-millisecond gateway work to minute-long generations. */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
] as const;
