// `npm run bench`: render (resolve + every registered layer) and internal checks of the reference build and
// synthetic 50/200/1000-node specs, in-process; prints a table and the growth. `--external` adds the validators.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkDir } from '../src/check/check-dir.ts';
import { layers, renderContext, resolveSite } from '../src/layers/index.ts';
import { projectValidators } from '../src/project/check.ts';
import { parseSiteSpec } from '../src/project/spec.ts';
import { siteRules } from '../src/site/rules.ts';
import type { Site } from '../src/site/types.ts';
import type { Spec } from '../src/spec/schema.ts';
import { tierDefaults } from '../src/spec/tiers.ts';
import { FileTree } from '../src/tree/file-tree.ts';
import { toYaml } from '../src/tree/serialize/index.ts';
import { manyVlansSpec, syntheticSpec } from '../test/support/synthetic.ts';

const args = process.argv.slice(2);
const external = args.includes('--external');
const json = args.includes('--json');
const runsArg = args.find((a) => a.startsWith('--runs='));
const RUNS = runsArg ? Math.max(1, Number(runsArg.slice('--runs='.length))) : 7;

interface Case {
  name: string;
  nodes: number;
  spec: Spec;
}

interface Row {
  name: string;
  physical: number;
  hosts: number;
  files: number;
  bytes: number;
  parseMs: number;
  resolveMs: number;
  renderMs: number;
  rulesMs: number;
  /** Best time of each layer's render; a layer that throws is listed in `failed` instead. */
  layerMs: Record<string, number>;
  failed: Record<string, string>;
  externalMs?: number;
  externalStatus?: string;
}

const cases: Case[] = [
  { name: 'reference', nodes: 6, spec: tierDefaults('reference') },
  ...[50, 200, 1000].map((n) => ({ name: `synthetic-${n}`, nodes: n, spec: syntheticSpec(n) })),
  // Many VLANs stress the policy (a management rule per VLAN), the matrix document and the firewall files.
  { name: 'vlans-1000', nodes: 6, spec: manyVlansSpec(1000) },
];

/**
 * Best of the runs: on a machine shared with other work the minimum is the time the code needs, and
 * everything above it is other processes' load; a median would carry that load into the growth figure.
 */
function best(xs: number[]): number {
  return Math.min(...xs);
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
}

/** Internal rules: the spec rules run inside parseSpec (timed as parse); these are the Site-level ones. */
function rules(site: Site): number {
  let n = siteRules(site).length;
  for (const l of layers) n += l.rules?.(site).length ?? 0;
  return n;
}

async function externalChecks(tree: FileTree): Promise<[number, string]> {
  const dir = mkdtempSync(join(tmpdir(), 'beelab-bench-'));
  try {
    for (const [p, f] of tree.entries()) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), f.content, { mode: f.mode });
    }
    const t0 = performance.now();
    const report = await checkDir(dir, { validators: projectValidators() });
    const t = report.totals;
    return [performance.now() - t0, `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every layer rendered on its own, so one layer that cannot express a site does not hide the others' times. */
function renderLayers(site: Site, failed: Record<string, string>): [FileTree, Record<string, number>] {
  const tree = new FileTree();
  const ms: Record<string, number> = {};
  for (const layer of layers) {
    const t0 = performance.now();
    try {
      if (layer.render) tree.merge(layer.render(site, renderContext()));
      ms[layer.id] = performance.now() - t0;
    } catch (err) {
      failed[layer.id] = (err as Error).message.split('\n')[0]!;
    }
  }
  return [tree, ms];
}

async function measure(c: Case): Promise<Row> {
  const text = toYaml(c.spec);
  const parse: number[] = [];
  const res: number[] = [];
  const render: number[] = [];
  const rule: number[] = [];
  const perLayer = new Map<string, number[]>();
  const failed: Record<string, string> = {};
  let tree: FileTree | undefined;
  let site: Site | undefined;
  // One warm-up run (JIT, module caches), then RUNS measured runs; the best is reported.
  for (let i = 0; i <= RUNS; i++) {
    const [parsed, tp] = time(() => parseSiteSpec(text));
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`${c.name}: ${errors[0]!.message}`);
    // Render = resolve + every layer, what the targets are stated for.
    const [resolved, tr] = time(() => resolveSite(parsed.spec!));
    const [[t, ms], tl] = time(() => renderLayers(resolved.site, failed));
    const [, tu] = time(() => rules(resolved.site));
    if (i === 0) continue;
    parse.push(tp);
    res.push(tr);
    render.push(tr + tl);
    rule.push(tu);
    for (const [id, v] of Object.entries(ms)) perLayer.set(id, [...(perLayer.get(id) ?? []), v]);
    tree = t;
    site = resolved.site;
  }
  const entries = tree!.entries();
  const row: Row = {
    name: c.name,
    physical: site!.hosts.filter((h) => h.kind === 'physical').length,
    hosts: site!.hosts.length,
    files: entries.length,
    bytes: entries.reduce((s, [, f]) => s + Buffer.byteLength(f.content), 0),
    parseMs: best(parse),
    resolveMs: best(res),
    renderMs: best(render),
    rulesMs: best(rule),
    layerMs: Object.fromEntries([...perLayer].map(([id, v]) => [id, best(v)])),
    failed,
  };
  if (external) [row.externalMs, row.externalStatus] = await externalChecks(tree!);
  return row;
}

const rows: Row[] = [];
for (const c of cases) rows.push(await measure(c));

const byName = (n: string) => rows.find((r) => r.name === n)!;
const small = byName('synthetic-50');
const large = byName('synthetic-1000');
// Growth is measured over resolve + the layers that rendered in every case, so a layer that throws on
// a large site does not make growth look better than it is.
const common = layers.map((l) => l.id).filter((id) => rows.every((r) => !(id in r.failed)));
const comparable = (r: Row) => r.resolveMs + common.reduce((s, id) => s + r.layerMs[id]!, 0);
// Exponent k of render time ~ hosts^k (1 is linear, 2 quadratic), per segment; the worse one counts, so
// fixed costs that flatter 50 → 1000 cannot hide a super-linear 200 → 1000.
const mid = byName('synthetic-200');
const k = (a: Row, b: Row) => Math.log(comparable(b) / comparable(a)) / Math.log(b.hosts / a.hosts);
const segments = { '50→200': k(small, mid), '200→1000': k(mid, large) };
const exponent = Math.max(...Object.values(segments));
/** 200 → 1000 exponent of each part, so the owner of a super-linear part can see it is theirs. */
const kPart = (f: (r: Row) => number) => Math.log(f(large) / f(mid)) / Math.log(large.hosts / mid.hosts);
const parts: Record<string, number> = {
  parse: kPart((r) => r.parseMs),
  resolve: kPart((r) => r.resolveMs),
  ...Object.fromEntries(common.map((id) => [id, kPart((r) => r.layerMs[id]!)])),
  rules: kPart((r) => r.rulesMs),
};
const perHost = rows.map((r) => r.renderMs / r.hosts);
const targets = [
  { what: 'reference render < 200 ms', ok: byName('reference').renderMs < 200 },
  { what: '1000 nodes render < 2 s', ok: large.renderMs < 2000 },
  { what: 'growth no worse than linear (exponent <= 1.15)', ok: exponent <= 1.15 },
  {
    what: '1000 VLANs: parse + render < 5 s',
    ok: byName('vlans-1000').parseMs + byName('vlans-1000').renderMs < 5000,
  },
  ...rows
    .filter((r) => Object.keys(r.failed).length > 0)
    .map((r) => ({
      what: `${r.name}: every layer renders (${Object.keys(r.failed).join(', ')} threw)`,
      ok: false,
    })),
];

if (json) {
  process.stdout.write(
    `${JSON.stringify({ runs: RUNS, rows, common, segments, exponent, parts, targets }, null, 2)}\n`,
  );
} else {
  const f = (n: number) => n.toFixed(1).padStart(8);
  const head = `${'case'.padEnd(16)}${'nodes'.padStart(6)}${'hosts'.padStart(7)}${'files'.padStart(7)}${'KiB'.padStart(8)}${'parse'.padStart(9)}${'resolve'.padStart(9)}${'render'.padStart(9)}${'rules'.padStart(9)}${'ms/host'.padStart(9)}${external ? '  external' : ''}`;
  console.log(
    `Core render benchmark: best of ${RUNS} runs after one warm-up; times in ms; render = resolve + ${layers.length} layer(s) (${layers.map((l) => l.id).join(', ')})`,
  );
  console.log(head);
  rows.forEach((r, i) => {
    const ext = external ? `  ${r.externalMs!.toFixed(0)} ms (${r.externalStatus})` : '';
    console.log(
      `${r.name.padEnd(16)}${String(r.physical).padStart(6)}${String(r.hosts).padStart(7)}${String(r.files).padStart(7)}${(r.bytes / 1024).toFixed(0).padStart(8)}${f(r.parseMs)} ${f(r.resolveMs)} ${f(r.renderMs)} ${f(r.rulesMs)} ${perHost[i]!.toFixed(3).padStart(8)}${ext}`,
    );
  });
  const ids = layers.map((l) => l.id);
  console.log(`\nper layer (ms): ${ids.join(', ')}`);
  for (const r of rows) {
    const cells = ids.map((id) => (id in r.failed ? 'FAILED' : (r.layerMs[id] ?? 0).toFixed(1)));
    console.log(`${r.name.padEnd(16)}${cells.map((c) => c.padStart(10)).join('')}`);
    for (const [id, msg] of Object.entries(r.failed)) console.log(`  ${id} threw: ${msg}`);
  }
  console.log(
    `growth over resolve + ${common.join(', ') || 'no layer'}: 50 → 1000 nodes hosts ×${(large.hosts / small.hosts).toFixed(1)}, time ×${(comparable(large) / comparable(small)).toFixed(1)}; exponent ${Object.entries(
      segments,
    )
      .map(([seg, v]) => `${seg} ${v.toFixed(2)}`)
      .join(', ')}`,
  );
  console.log(
    `exponent 200 → 1000 by part: ${Object.entries(parts)
      .map(([p, v]) => `${p} ${v.toFixed(2)}`)
      .join(', ')}`,
  );
  for (const t of targets) console.log(`${t.ok ? 'ok  ' : 'MISS'} ${t.what}`);
}
process.exitCode = targets.every((t) => t.ok) ? 0 : 1;
