import { describe, expect, it } from 'vitest';
import { formatPlan } from './format-plan.ts';
import type { WritePlan } from './write-plan.ts';

const plan: WritePlan = {
  entries: [
    { path: 'ansible/inventory.yaml', layer: 'physical', status: 'added', action: 'create' },
    {
      path: 'ansible/run.sh',
      layer: 'physical',
      status: 'changed',
      action: 'chmod',
      modeChange: { from: 0o644, to: 0o755 },
    },
    { path: 'ansible/site.yaml', layer: 'physical', status: 'unchanged', action: 'none' },
    { path: 'opnsense/config.xml', layer: 'network', status: 'conflict', action: 'write', reason: 'edited' },
    { path: 'opnsense/old.xml', layer: 'network', status: 'removed', action: 'remove' },
    { path: 'k8s/x.yaml', layer: 'orchestration', status: 'conflict', action: 'write', reason: 'untracked' },
  ],
  counts: { added: 1, changed: 1, removed: 1, unchanged: 1, conflict: 2 },
};

describe('formatPlan', () => {
  it('lists + ~ - ! per layer in layer order, then a summary', () => {
    expect(formatPlan(plan)).toBe(
      [
        'physical: 1 added, 1 changed, 1 unchanged',
        '  + ansible/inventory.yaml',
        '  ~ ansible/run.sh (mode 0644 → 0755)',
        'network: 1 removed, 1 conflict',
        '  ! opnsense/config.xml (changed by hand since Beelab wrote it; --force would overwrite it after a backup)',
        '  - opnsense/old.xml',
        'orchestration: 1 conflict',
        '  ! k8s/x.yaml (exists but Beelab did not write it; --force would overwrite it after a backup)',
        '',
        'Plan: 1 to add, 1 to change, 1 to remove, 2 conflicts; 1 unchanged.',
        'Conflicts: move your edits into overrides/ (see docs/overrides.md), or re-run with --force to back each up to <file>.beelab-backup and overwrite it.',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing changes, lists unchanged files when verbose, colours when asked', () => {
    const quiet: WritePlan = {
      entries: [{ path: 'a', layer: 'ai', status: 'unchanged', action: 'none' }],
      counts: { added: 0, changed: 0, removed: 0, unchanged: 1, conflict: 0 },
    };
    expect(formatPlan(quiet)).toBe('No changes. 1 file up to date.\n');
    expect(formatPlan(quiet, { verbose: true })).toBe(
      'ai: 1 unchanged\n    a\nNo changes. 1 file up to date.\n',
    );
    expect(formatPlan(plan, { color: true })).toContain('\x1b[32m  + ansible/inventory.yaml\x1b[0m');
    const done = formatPlan(
      { ...plan, backups: [{ path: 'k8s/x.yaml', backup: 'k8s/x.yaml.beelab-backup' }] },
      { done: true },
    );
    expect(done).toContain(
      'Wrote: 1 added, 1 changed, 1 removed, 2 forced over hand edits (backed up to *.beelab-backup); 1 unchanged.\nBacked up your edited k8s/x.yaml to k8s/x.yaml.beelab-backup\n',
    );
    expect(done).not.toContain('Conflicts:');
  });
});
