// Grafana dashboard JSON (schema 39) from a list of rows and panels: ids, grid positions and the datasource are
// filled in here, so a dashboard is written as what it shows.

/** The provisioned Prometheus datasource every panel reads (grafana-provisioning.ts). */
export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

/** One query of a panel: PromQL and the legend (Grafana's `{{label}}` template). */
export interface Query {
  expr: string;
  legend?: string;
  /** An instant query (tables and stats of the current state). */
  instant?: boolean;
}

export interface Panel {
  title: string;
  kind: 'stat' | 'timeseries' | 'table';
  queries: Query[];
  unit?: string;
  description?: string;
  /** Width in grid columns (of 24); default 8. */
  width?: number;
  /** Stat thresholds: value at or above which the panel turns red (green below). */
  redFrom?: number;
}

export interface Row {
  title: string;
  panels: Panel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  rows: Row[];
}

const HEIGHT = { stat: 4, timeseries: 8, table: 8 } as const;

function panelJson(p: Panel, id: number, x: number, y: number): Record<string, unknown> {
  const w = p.width ?? 8;
  return {
    id,
    type: p.kind,
    title: p.title,
    ...(p.description ? { description: p.description } : {}),
    datasource: DATASOURCE,
    gridPos: { h: HEIGHT[p.kind], w, x, y },
    fieldConfig: {
      defaults: {
        ...(p.unit ? { unit: p.unit } : {}),
        ...(p.redFrom !== undefined
          ? {
              thresholds: {
                mode: 'absolute',
                steps: [
                  { color: 'green', value: null },
                  { color: 'red', value: p.redFrom },
                ],
              },
            }
          : {}),
      },
      overrides: [],
    },
    options:
      p.kind === 'stat'
        ? { colorMode: 'background', graphMode: 'none', reduceOptions: { calcs: ['lastNotNull'] } }
        : {},
    targets: p.queries.map((q, i) => ({
      datasource: DATASOURCE,
      refId: String.fromCharCode(65 + i),
      expr: q.expr,
      ...(q.legend ? { legendFormat: q.legend } : {}),
      ...(q.instant || p.kind !== 'timeseries' ? { instant: true, range: false } : { range: true }),
      ...(p.kind === 'table' ? { format: 'table' } : {}),
    })),
  };
}

/** The dashboard JSON: a row panel per row, its panels laid out left to right, wrapping at 24 columns. */
export function dashboardJson(d: Dashboard): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of d.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const p of row.panels) {
      const w = p.width ?? 8;
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      panels.push(panelJson(p, id++, x, y));
      x += w;
      rowHeight = Math.max(rowHeight, HEIGHT[p.kind]);
    }
    y += rowHeight;
  }
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: d.tags,
    editable: false,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-24h', to: 'now' },
    refresh: '1m',
    timezone: 'browser',
    templating: { list: [] },
    annotations: { list: [] },
    panels,
  };
}
