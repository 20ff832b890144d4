// `npm run bench:lab`: wall time of `beelab lab up` + `beelab lab test` for an example, as a user runs them (root).
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const example = process.argv[2] ?? 'reference';
const runs = Number(process.env.BEELAB_BENCH_RUNS ?? 3);
const dir = resolve(root, 'examples', example);

if (process.getuid?.() !== 0) {
  process.stderr.write('bench:lab needs root (network namespaces)\n');
  process.exit(2);
}

function beelab(...args: string[]): { ms: number; out: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, [resolve(root, 'bin/beelab.mjs'), ...args], {
    encoding: 'utf8',
    cwd: root,
  });
  const ms = performance.now() - start;
  if (r.status !== 0) {
    spawnSync(process.execPath, [resolve(root, 'bin/beelab.mjs'), 'lab', 'down', dir], { stdio: 'inherit' });
    throw new Error(`beelab ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  return { ms, out: r.stdout };
}

const rows: { up: number; test: number; down: number; summary: string }[] = [];
for (let i = 0; i < runs; i++) {
  const up = beelab('lab', 'up', dir);
  const test = beelab('lab', 'test', dir);
  const down = beelab('lab', 'down', dir);
  const summary = test.out.trim().split('\n').at(-1) ?? '';
  rows.push({ up: up.ms, test: test.ms, down: down.ms, summary });
}

const s = (ms: number) => (ms / 1000).toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(
  `bench:lab ${example}: ${runs} runs on ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}\n`,
);
process.stdout.write('run  lab up (s)  lab test (s)  up+test (s)  lab down (s)\n');
rows.forEach((r, i) => {
  process.stdout.write(
    `${String(i + 1).padEnd(5)}${s(r.up).padEnd(12)}${s(r.test).padEnd(14)}${s(r.up + r.test).padEnd(13)}${s(r.down)}\n`,
  );
});
const total = rows.map((r) => r.up + r.test);
process.stdout.write(`median up+test ${s(median(total))} s, worst ${s(Math.max(...total))} s (goal: 30 s)\n`);
process.stdout.write(`${rows[0]?.summary}\n`);
