import { describe, expect, it } from 'vitest';
import type { DiskFile } from './disk.ts';
import { FileTree } from './file-tree.ts';
import { type ManifestEntry, sha256 } from './manifest.ts';
import { computePlan, conflictsOf, hasChanges, type PlanEntry } from './write-plan.ts';

const h = (s: string) => sha256(s);
const onDisk = (content: string, mode = 0o644): DiskFile => ({ sha256: h(content), mode });
const wrote = (content: string, mode = 0o644): ManifestEntry => ({
  sha256: h(content),
  layer: 'network',
  mode,
});

interface Case {
  name: string;
  want?: [string, number?];
  last?: [string, number?];
  have?: [string, number?];
  expected: Omit<PlanEntry, 'path' | 'layer'> | undefined;
}

const cases: Case[] = [
  { name: 'new file', want: ['new'], expected: { status: 'added', action: 'create' } },
  {
    name: 'user deleted a generated file',
    want: ['x'],
    last: ['x'],
    expected: { status: 'added', action: 'create' },
  },
  {
    name: 'same bytes',
    want: ['x'],
    last: ['x'],
    have: ['x'],
    expected: { status: 'unchanged', action: 'none' },
  },
  {
    name: 'new output, disk as last written',
    want: ['y'],
    last: ['x'],
    have: ['x'],
    expected: { status: 'changed', action: 'write' },
  },
  {
    name: 'mode change only',
    want: ['x', 0o755],
    last: ['x'],
    have: ['x'],
    expected: { status: 'changed', action: 'chmod', modeChange: { from: 0o644, to: 0o755 } },
  },
  {
    name: 'content and mode change',
    want: ['y', 0o755],
    last: ['x'],
    have: ['x'],
    expected: { status: 'changed', action: 'write', modeChange: { from: 0o644, to: 0o755 } },
  },
  {
    name: 'hand edit, output would change it',
    want: ['y'],
    last: ['x'],
    have: ['edited'],
    expected: { status: 'conflict', action: 'write', reason: 'edited' },
  },
  {
    name: 'hand edit equal to the new output',
    want: ['y'],
    last: ['x'],
    have: ['y'],
    expected: { status: 'unchanged', action: 'none' },
  },
  {
    name: 'untracked file in the way',
    want: ['y'],
    have: ['mine'],
    expected: { status: 'conflict', action: 'write', reason: 'untracked' },
  },
  {
    name: 'untracked file equal to output (adopted)',
    want: ['y'],
    have: ['y'],
    expected: { status: 'unchanged', action: 'none' },
  },
  {
    name: 'stale generated file',
    last: ['x'],
    have: ['x'],
    expected: { status: 'removed', action: 'remove' },
  },
  {
    name: 'stale and hand-edited',
    last: ['x'],
    have: ['edited'],
    expected: { status: 'conflict', action: 'remove', reason: 'edited' },
  },
  { name: 'stale, already deleted by the user', last: ['x'], expected: undefined },
  {
    name: 'stale but user chmodded it',
    last: ['x'],
    have: ['x', 0o600],
    expected: { status: 'removed', action: 'remove' },
  },
];

describe('computePlan', () => {
  it.each(cases)('$name', ({ want, last, have, expected }) => {
    const tree = new FileTree();
    if (want) tree.add('d/f.yaml', want[0], 'network', want[1]);
    const manifest = new Map(last ? [['d/f.yaml', wrote(last[0], last[1])]] : []);
    const disk = new Map(have ? [['d/f.yaml', onDisk(have[0], have[1])]] : []);
    const plan = computePlan(tree, disk, manifest);
    expect(plan.entries[0]).toEqual(expected && { path: 'd/f.yaml', layer: 'network', ...expected });
    expect(plan.entries.length).toBe(expected ? 1 : 0);
  });

  it('never plans to remove a file the manifest does not list', () => {
    const plan = computePlan(new FileTree(), new Map([['user.txt', onDisk('mine')]]), new Map());
    expect(plan.entries).toEqual([]);
  });

  it('sorts entries, counts by status, and takes the layer of a removed file from the manifest', () => {
    const tree = new FileTree().add('b', 'b', 'ai').add('a', 'a', 'physical');
    const manifest = new Map([
      ['c', { ...wrote('c'), layer: 'backup' as const }],
      ['a', wrote('a')],
    ]);
    const disk = new Map([
      ['a', onDisk('a')],
      ['c', onDisk('c')],
    ]);
    const plan = computePlan(tree, disk, manifest);
    expect(plan.entries.map((e) => [e.path, e.status, e.layer])).toEqual([
      ['a', 'unchanged', 'physical'],
      ['b', 'added', 'ai'],
      ['c', 'removed', 'backup'],
    ]);
    expect(plan.counts).toEqual({ added: 1, changed: 0, removed: 1, unchanged: 1, conflict: 0 });
    expect(hasChanges(plan)).toBe(true);
    expect(conflictsOf(plan)).toEqual([]);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('has no changes when everything matches', () => {
    const tree = new FileTree().add('a', 'a', 'ai');
    expect(hasChanges(computePlan(tree, new Map([['a', onDisk('a')]]), new Map([['a', wrote('a')]])))).toBe(
      false,
    );
  });
});
