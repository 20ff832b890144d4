// Test support for the apply engine: a temp site directory with files, and small step graphs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Step } from '../../layers/step.ts';

const made: string[] = [];

export function tempSite(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'beelab-apply-'));
  made.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
}

export function removeTempSites(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A shell step (never run by these tests: the simulated executor stands in). */
export function step(id: string, after: string[] = [], inputs: string[] = [], hosts: string[] = []): Step {
  return {
    id,
    layer: 'devops',
    title: id,
    hosts,
    run: { kind: 'shell', script: `echo ${id}` },
    inputs,
    after,
  };
}

/** The graph apply-child.ts runs: two chains of 5 and two loose steps. */
export function childSteps(): Step[] {
  const out: Step[] = [];
  for (const c of ['x', 'y'])
    for (let i = 0; i < 5; i++) out.push(step(`${c}/${i}`, i ? [`${c}/${i - 1}`] : []));
  out.push(step('z/0'), step('z/1'));
  return out;
}
