// `npm run bench:lab`: wall time of `beelab lab up` + `beelab lab test` for an example, as a user runs them (root);
// then `lab up --machines` with a cold root (debootstrap into a fresh cache) and a warm one, and Ansible against them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
    env: { ...process.env, ...extraEnv },
  });
  const ms = performance.now() - start;
  if (r.status !== 0) {
    spawnSync(process.execPath, [resolve(root, 'bin/beelab.mjs'), 'lab', 'down', dir], { stdio: 'inherit' });
    throw new Error(`beelab ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  return { ms, out: r.stdout };
}

/** Set for the machine runs: the root cache they use. */
const extraEnv: Record<string, string> = {};

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

// Machines: `lab up --machines` (BEELAB_BENCH_MACHINES, default all) with the root cache in a fresh directory,
// so the first run builds it with debootstrap (cold) and the next ones take it from there (warm).
// BEELAB_BENCH_COLD=0 skips the cold run and uses the default cache.
const machines = process.env.BEELAB_BENCH_MACHINES ?? 'all';
const cold = process.env.BEELAB_BENCH_COLD !== '0';
const cache = cold ? mkdtempSync(join(tmpdir(), 'beelab-bench-root-')) : undefined;
if (cache) extraEnv.BEELAB_LAB_CACHE = cache;
const mrows: { kind: string; up: number; ping: number; test: number; down: number; count: number }[] = [];
try {
  for (let i = 0; i < runs + (cold ? 1 : 0); i++) {
    const up = beelab('lab', 'up', dir, '--machines', machines);
    const hosts = [...up.out.matchAll(/machine (\S+) up at/g)].map((m) => m[1]!);
    const ping = beelab('lab', 'ansible', dir, '--', hosts.join(','), '-m', 'ping');
    const test = beelab('lab', 'test', dir);
    const down = beelab('lab', 'down', dir);
    const kind = cold && i === 0 ? 'cold root' : 'warm root';
    mrows.push({ kind, up: up.ms, ping: ping.ms, test: test.ms, down: down.ms, count: hosts.length });
  }
} finally {
  if (cache) rmSync(cache, { recursive: true, force: true });
}
process.stdout.write(
  `\nlab up --machines ${machines} (${mrows[0]?.count ?? 0} machines), load ${loadavg()[0]!.toFixed(2)}\n`,
);
process.stdout.write('run  root        lab up (s)  ansible ping (s)  lab test (s)  lab down (s)\n');
mrows.forEach((r, i) => {
  process.stdout.write(
    `${String(i + 1).padEnd(5)}${r.kind.padEnd(12)}${s(r.up).padEnd(12)}${s(r.ping).padEnd(18)}${s(r.test).padEnd(14)}${s(r.down)}\n`,
  );
});
const warm = mrows.filter((r) => r.kind === 'warm root').map((r) => r.up);
if (warm.length > 0) process.stdout.write(`median warm lab up --machines ${s(median(warm))} s\n`);

// Apply and the drill (issue 12): `lab up --machines`, the first `lab apply` (the router starts bare, the
// roles install for real), a second one with nothing changed, then `lab drill host-dies HOST`; warm root.
// BEELAB_BENCH_DRILL names the machine that dies (default apps); BEELAB_BENCH_APPLY=0 skips this part.
if (process.env.BEELAB_BENCH_APPLY !== '0') {
  delete extraEnv.BEELAB_LAB_CACHE;
  const victim = process.env.BEELAB_BENCH_DRILL ?? 'apps';
  const up = beelab('lab', 'up', dir, '--machines', machines);
  const count = [...up.out.matchAll(/machine (\S+) up at/g)].length;
  let first: ReturnType<typeof beelab> | undefined;
  let second: ReturnType<typeof beelab> | undefined;
  let drill: ReturnType<typeof beelab> | undefined;
  try {
    first = beelab('lab', 'apply', dir);
    second = beelab('lab', 'apply', dir);
    drill = beelab('lab', 'drill', 'host-dies', victim, dir);
  } finally {
    beelab('lab', 'down', dir);
  }
  const line = (out: string, re: RegExp) => out.split('\n').find((l) => re.test(l)) ?? '';
  process.stdout.write(`\nlab apply and drill, ${count} machines, load ${loadavg()[0]!.toFixed(2)}\n`);
  process.stdout.write(`lab up --machines          ${s(up.ms)} s\n`);
  process.stdout.write(
    `first lab apply            ${s(first.ms)} s  ${line(first.out, /^lab apply:.* ran,/)}\n`,
  );
  process.stdout.write(
    `second lab apply           ${s(second.ms)} s  ${line(second.out, /^lab apply:.* ran,/)} (goal: 30 s)\n`,
  );
  process.stdout.write(
    `drill host-dies ${victim.padEnd(10)} ${s(drill.ms)} s  ${line(drill.out, /^drill host-dies/)} (goal: 120 s)\n`,
  );
}
