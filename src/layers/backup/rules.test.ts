// Bad backup plans in beelab.yaml: each a located finding with a hint, through the same parser render uses.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../kernel/diagnostic.ts';
import { parseSiteSpec } from '../../project/spec.ts';
import { timesOfDay } from './rules.ts';

const BASE = `version: 1
tier: reference
site:
  name: demo
  domain: lab.example.com
`;

/** Two backup nodes with small drives; one key per line so findings point at lines. */
const PBS = (sizeGb: number) => `nodes:
  - name: pve1
    role: primary
    memoryGb: 96
  - name: pbs1
    role: backup
    drives:
      - id: /dev/disk/by-id/ata-A
        role: backup
        sizeGb: ${sizeGb}
      - id: /dev/disk/by-id/ata-B
        role: backup
        sizeGb: ${sizeGb}
`;

const findings = (yaml: string, code: string) =>
  parseSiteSpec(yaml, 'beelab.yaml')
    .diagnostics.filter((d) => d.code === code)
    .map(formatDiagnostic);

describe('backup rules', () => {
  it.each([
    {
      name: 'a retention that keeps nothing',
      yaml: `${BASE}backup:\n  retention: { daily: 0, weekly: 0, monthly: 0, yearly: 0 }\n`,
      code: 'backup/retention-none',
      want: /^error .*keeps nothing.*; at beelab.yaml:7:14\n {4}hint: keep at least daily: 7/,
    },
    {
      name: 'backup drives smaller than one copy of the VMs',
      yaml: `${BASE}${PBS(200)}backup:\n  primary: pbs1\n`,
      code: 'backup/capacity',
      want: /^error .*pbs1's backup mirror holds 200 GB, less than one full copy of the VMs' disks \(\d+ GB\); at beelab.yaml:15:17/,
    },
    {
      name: 'backup drives too small for the retention: a warning',
      yaml: `${BASE}${PBS(2000)}backup:\n  primary: pbs1\n`,
      code: 'backup/capacity',
      want: /^warning .*holds 2000 GB; the VMs' disks \(\d+ GB\) with the retention need about \d+ GB at 10% change a day; at beelab.yaml:15:17/,
    },
    {
      name: 'a backup that runs into the verify window',
      yaml: `${BASE}backup:\n  schedule: "*-*-* 05:50"\n`,
      code: 'backup/verify-overlap',
      want: /^warning .*the backup at 05:50 .* runs into the verify window 06:00–\d\d:\d\d.*; at beelab.yaml:7:13/,
    },
    {
      name: 'a backup server that is a VM on the cluster it protects',
      yaml: `${BASE}nodes:\n  - name: pve1\n    role: primary\n`,
      code: 'backup/on-cluster',
      want: /^warning .*the backup server backup is a VM on pve1: the backups live on the cluster they protect/,
    },
  ])('$name', ({ yaml, code, want }) => {
    const found = findings(yaml, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(want);
  });

  it('a mirror on the primary’s machine is an error at backup.mirror', () => {
    const found = findings(
      `${BASE}nodes:\n  - name: pve1\n    role: primary\nbackup:\n  mirror: monitor\n`,
      'backup/mirror-same-machine',
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^error .*backup.mirror "monitor" runs on pve1, the same machine as the primary backup: one dead machine loses both copies; at beelab.yaml:10:11/,
      ),
    ]);
  });

  it('the reference build passes every backup rule', () => {
    const all = parseSiteSpec(`${BASE}`, 'beelab.yaml').diagnostics.filter((d) =>
      d.code.startsWith('backup/'),
    );
    expect(all.map(formatDiagnostic)).toEqual([]);
  });
});

describe('timesOfDay', () => {
  it.each([
    ['*-*-* 02:00', [120]],
    ['sat 03:30', [210]],
    ['mon..fri 1,13:15', [75, 795]],
    ['daily', [0]],
    ['hourly', undefined],
    ['*:0/15', undefined],
  ])('%s', (event, want) => {
    expect(timesOfDay(event)).toEqual(want);
  });
});
