// Bad physical input in beelab.yaml (issue 13, "Bad input"): drives outside /dev/disk/by-id, a pool layout a
// node's drives cannot make, one drive in two roles, VM memory beyond a node's over-commit, a pinned VM id the
// lock holds for another VM, and a rack with two items in one U: each a located error with a hint, all at once.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { type Diagnostic, formatDiagnostic } from '../kernel/diagnostic.ts';
import { siteContributions } from '../layers/index.ts';
import { rackSlice } from '../layers/physical/rack.ts';
import { LOCK_FILE, SPEC_FILE } from '../project/files.ts';
import { loadProject } from '../project/load.ts';
import { parseSiteSpec } from '../project/spec.ts';
import { parseSpec } from '../spec/parse.ts';
import type { SiteContribution } from './contribution.ts';
import { emptyLock, type Lock } from './lock.ts';
import { planRuleOptions } from './plan-rules.ts';
import { resolve } from './resolve.ts';

/** The registered layers plus the rack slice (the physical layer contributes it once it is wired in). */
const contributions: SiteContribution[] = [...siteContributions, { slice: (ctx) => rackSlice(ctx) }];

const parse = (yaml: string, lock?: Lock) =>
  parseSpec(yaml, 'beelab.yaml', planRuleOptions(contributions, lock)).diagnostics;

const BASE = `version: 1
tier: reference
site:
  name: demo
  domain: lab.example.com
`;

/** Two Proxmox VE nodes with a mirror each and a backup server; one key per line so rows point at lines. */
const NODES = `nodes:
  - name: pve1
    role: primary
    memoryGb: 96
    drives:
      - { id: /dev/disk/by-id/nvme-A, role: system }
      - { id: /dev/disk/by-id/nvme-B, role: pool }
      - { id: /dev/disk/by-id/nvme-C, role: pool }
  - name: pve2
    role: compute
    memoryGb: 96
    drives:
      - { id: /dev/disk/by-id/nvme-D, role: pool }
      - { id: /dev/disk/by-id/nvme-E, role: pool }
  - name: pbs1
    role: backup
`;

interface Case {
  name: string;
  yaml: string;
  lock?: Lock;
  code: string;
  /** Fragment the message or hint must contain. */
  text: string;
  /** `LINE:TOKEN`: the diagnostic points at the column where TOKEN starts on that line. */
  at: string;
  severity?: 'error' | 'warning';
}

const lockWith = (vmids: Record<string, number>): Lock => ({ ...emptyLock(), vmids });

const cases: Case[] = [
  {
    name: 'a drive by kernel name',
    yaml: `${BASE}${NODES.replace('/dev/disk/by-id/nvme-B', '/dev/sdb')}`,
    code: 'drive/unstable-id',
    text: 'ls -l /dev/disk/by-id/',
    at: '12:/dev/sdb',
  },
  {
    name: 'a drive by path (a port, not the disk)',
    yaml: `${BASE}${NODES.replace('/dev/disk/by-id/nvme-D', '/dev/disk/by-path/pci-0000:01:00.0-nvme-1')}`,
    code: 'drive/unstable-id',
    text: 'nodes[1].drives[0].id "/dev/disk/by-path/pci-0000:01:00.0-nvme-1" is not a stable drive id',
    at: '18:/dev/disk/by-path',
  },
  {
    name: 'raidz1 on two drives of a compute node',
    yaml: `${BASE}${NODES}storage: { layout: raidz1 }\n`,
    code: 'storage/drives',
    text: 'storage.layout "raidz1" on nodes[1] pve2: layout raidz1 needs at least 3 pool drives, pve2 has 2',
    at: '18:- { id: /dev/disk/by-id/nvme-D',
  },
  {
    name: 'a mirror of three drives on a compute node',
    yaml: `${BASE}${NODES.replace('nvme-E, role: pool }', 'nvme-E, role: pool }\n      - { id: /dev/disk/by-id/nvme-F, role: pool }')}`,
    code: 'storage/drives',
    text: 'layout mirror pairs drives, pve2 has 3',
    at: '18:- { id: /dev/disk/by-id/nvme-D',
  },
  {
    name: 'raidz2 written, the nodes from the tier: located at the layout',
    yaml: `${BASE}storage: { layout: raidz2 }\n`,
    code: 'storage/drives',
    text: 'needs at least 4 pool drives, pve3 has 2',
    at: '6:raidz2',
  },
  {
    name: 'the same drive in two roles on one node',
    yaml: `${BASE}${NODES.replace('nvme-C, role: pool', 'nvme-A, role: pool')}`,
    code: 'drive/two-roles',
    text: 'nodes[0].drives[2].id "/dev/disk/by-id/nvme-A" is listed with role pool, and as nodes[0].drives[0] with role system',
    at: '13:/dev/disk/by-id/nvme-A',
  },
  {
    name: 'the same drive on two nodes in one role',
    yaml: `${BASE}${NODES.replace('nvme-D', 'nvme-B')}`,
    code: 'drive/duplicate',
    text: 'is already used by nodes[0].drives[1]',
    at: '18:/dev/disk/by-id/nvme-B',
  },
  {
    name: 'VMs beyond a node with no over-commit',
    yaml: `${BASE}${NODES.replace('memoryGb: 96\n    drives:\n      - { id: /dev/disk/by-id/nvme-D', 'memoryGb: 16\n    drives:\n      - { id: /dev/disk/by-id/nvme-D')}`,
    code: 'capacity/memory',
    text: 'more than the 8 GB it can give them: 16 GB less 8 GB for Proxmox VE and the ZFS ARC, with no over-commit',
    at: '16:16',
  },
  {
    name: 'VMs beyond a node with a written over-commit ratio, blamed on the VM the user pinned there',
    yaml: `${BASE}${NODES.replace('memoryGb: 96\n    drives:\n      - { id: /dev/disk/by-id/nvme-D', 'memoryGb: 24\n    drives:\n      - { id: /dev/disk/by-id/nvme-D')}compute:\n  memoryOvercommit: 1.2\n  vms:\n    - { name: apps, node: pve2 }\n    - { name: tpot, node: pve2 }\n`,
    code: 'capacity/memory',
    text: 'times compute.memoryOvercommit 1.2',
    at: '26:pve2 }',
  },
  {
    name: 'a pinned VM id the lock holds for another VM',
    yaml: `${BASE}${NODES}compute:\n  vms:\n    - { name: apps, vmid: 101 }\n`,
    lock: lockWith({ 'vm/talos-cp2': 101, 'vm/apps': 108 }),
    code: 'vm/vmid-locked',
    text: 'compute.vms[0].vmid 101 (apps) is the VM id beelab.lock.yaml holds for talos-cp2',
    at: '24:101',
  },
  {
    name: 'a pinned VM id the lock holds for a VM the site no longer has: a warning',
    yaml: `${BASE}${NODES}compute:\n  vms:\n    - { name: apps, vmid: 150 }\n`,
    lock: lockWith({ 'vm/old-vm': 150 }),
    code: 'vm/vmid-locked',
    text: 'qm destroy 150',
    at: '24:150',
    severity: 'warning',
  },
  {
    name: 'two pins with one VM id',
    yaml: `${BASE}${NODES}compute:\n  vms:\n    - { name: apps, vmid: 300 }\n    - { name: monitor, vmid: 300 }\n`,
    code: 'vm/vmid-duplicate',
    text: 'Proxmox VE gives one id to one VM',
    at: '25:300',
  },
  {
    name: 'a pin of a VM the site does not have',
    yaml: `${BASE}${NODES}compute:\n  vms:\n    - { name: monitr, vmid: 300 }\n`,
    code: 'vm/unknown',
    text: 'did you mean `monitor`?',
    at: '24:monitr',
  },
  {
    name: 'a VM pinned to a backup server',
    yaml: `${BASE}${NODES}compute:\n  vms:\n    - { name: apps, node: pbs1 }\n`,
    code: 'vm/node',
    text: 'is a backup node, not a Proxmox VE node',
    at: '24:pbs1',
  },
  {
    name: 'a VM pinned twice',
    yaml: `${BASE}${NODES}compute:\n  vms:\n    - { name: apps, node: pve1 }\n    - { name: apps, vmid: 300 }\n`,
    code: 'vm/duplicate',
    text: 'is already pinned by compute.vms[0]',
    at: '25:apps',
  },
  {
    name: 'two rack items in one U',
    yaml: `${BASE}${NODES}rack:\n  units: 12\n  devices:\n    - { name: pve1, u: 10 }\n    - { name: pve2, u: 10 }\n`,
    code: 'rack/overlap',
    text: 'rack.devices[1] "pve2" (U10, 1U by default) shares U10 with rack.devices[0] "pve1" (U10)',
    at: '26:10 }',
  },
  {
    name: 'two rack items overlapping through a default height',
    yaml: `${BASE}${NODES}rack:\n  units: 12\n  devices:\n    - { name: pve1, u: 5 }\n    - { name: pbs1, u: 4 }\n`,
    code: 'rack/overlap',
    text: 'rack.devices[1] "pbs1" (U4-U5, 2U by default) shares U5',
    at: '26:4 }',
  },
  {
    name: 'a rack item above the top U',
    yaml: `${BASE}${NODES}rack:\n  units: 6\n  devices:\n    - { name: pbs1, u: 6, height: 2 }\n`,
    code: 'rack/out-of-range',
    text: 'takes U6-U7, above the top of the 6U rack (rack.units)',
    at: '25:6,',
  },
  {
    name: 'a rack item below U1',
    yaml: `${BASE}${NODES}rack:\n  devices:\n    - { name: pve1, u: 0 }\n`,
    code: 'rack/out-of-range',
    text: 'rack.devices[0] "pve1" at u 0 is below U1, the bottom of the rack',
    at: '24:0 }',
  },
  {
    name: 'a rack item naming no machine of the site',
    yaml: `${BASE}${NODES}rack:\n  devices:\n    - { name: pve9, u: 1 }\n`,
    code: 'rack/unknown-host',
    text: 'did you mean `pve1`?',
    at: '24:pve9',
  },
  {
    name: 'a shelf holding a host the site does not have',
    yaml: `${BASE}${NODES}rack:\n  devices:\n    - { name: shelf-1, kind: shelf, u: 1, hosts: [wd1, wd7] }\n`,
    code: 'rack/unknown-host',
    text: 'rack.devices[0].hosts[1] "wd7" is not a machine of this site',
    at: '24:wd7',
  },
  {
    name: 'a VM in the rack',
    yaml: `${BASE}${NODES}rack:\n  devices:\n    - { name: monitor, u: 1 }\n`,
    code: 'rack/vm',
    text: 'is a VM on pve',
    at: '24:monitor',
  },
  {
    name: 'a machine racked twice',
    yaml: `${BASE}${NODES}rack:\n  devices:\n    - { name: pve1, u: 1 }\n    - { name: shelf-1, kind: shelf, u: 2, hosts: [pve1] }\n`,
    code: 'rack/duplicate',
    text: 'is already in the rack as rack.devices[0]',
    at: '25:pve1]',
  },
  {
    name: 'a host holding hosts',
    yaml: `${BASE}${NODES}rack:\n  devices:\n    - { name: pve1, u: 1, hosts: [wd1] }\n`,
    code: 'rack/shelf',
    text: 'put them on a shelf',
    at: '24:[wd1]',
  },
  {
    name: 'a written rack height too small for what Beelab racks',
    yaml: `${BASE}rack: { units: 12 }\n`,
    code: 'rack/too-small',
    text: 'the items Beelab racks for this site take 16U',
    at: '6:12',
  },
];

/** The diagnostic a case expects, or a failure listing what was found. */
function hit(found: Diagnostic[], c: Case): Diagnostic {
  const d = found.find((x) => x.code === c.code && `${x.message} ${x.hint ?? ''}`.includes(c.text));
  expect(
    d,
    `no ${c.code} containing "${c.text}" in:\n${found.map(formatDiagnostic).join('\n')}`,
  ).toBeDefined();
  return d!;
}

function expectAt(yaml: string, d: Diagnostic, at: string): void {
  const line = Number(at.slice(0, at.indexOf(':')));
  const token = at.slice(at.indexOf(':') + 1);
  const col = yaml.split('\n')[line - 1]!.indexOf(token) + 1;
  expect(col, `token ${token} not on line ${line}`).toBeGreaterThan(0);
  expect(`${d.location?.line}:${d.location?.col}`, d.message).toBe(`${line}:${col}`);
}

describe('bad physical input is located in beelab.yaml, with a hint', () => {
  it.each(cases)('$name', (c) => {
    const d = hit(parse(c.yaml, c.lock), c);
    expectAt(c.yaml, d, c.at);
    expect(d.severity).toBe(c.severity ?? 'error');
    expect(d.hint, 'every finding says how to fix it').toBeTruthy();
  });

  it('the nodes, pins and rack written right raise nothing', () => {
    const yaml = `${BASE}${NODES}compute:\n  memoryOvercommit: 1\n  vms:\n    - { name: apps, vmid: 500, node: pve2 }\nrack:\n  units: 9\n  devices:\n    - { name: switch, kind: switch, u: 9 }\n    - { name: pve1, u: 8 }\n    - { name: pve2, u: 7 }\n    - { name: pbs1, u: 5 }\n    - { name: pis, kind: shelf, u: 4, hosts: [wd1, wd2] }\n    - { name: ups, kind: ups, u: 1, height: 2 }\n`;
    expect(
      parse(yaml)
        .filter((d) => d.severity === 'error')
        .map(formatDiagnostic),
    ).toEqual([]);
  });
});

/** One spec with every kind of bad physical input, and a lock: all reported in one parse, each at its place. */
const ALL = `${BASE}nodes:
  - name: pve1
    role: primary
    memoryGb: 32
    drives:
      - { id: /dev/disk/by-id/nvme-A, role: system }
      - { id: /dev/sdb, role: pool }
      - { id: /dev/disk/by-id/nvme-C, role: pool }
      - { id: /dev/disk/by-id/nvme-A, role: pool }
  - name: pve2
    role: compute
    memoryGb: 16
    drives:
      - { id: /dev/disk/by-id/nvme-D, role: pool }
      - { id: /dev/disk/by-id/nvme-E, role: pool }
  - name: pbs1
    role: backup
storage: { layout: raidz1 }
compute:
  vms:
    - { name: apps, vmid: 101 }
    - { name: monitor, node: pve2 }
rack:
  units: 16
  devices:
    - { name: pve1, u: 16 }
    - { name: pve2, u: 17 }
    - { name: pbs1, u: 15, height: 2 }
    - { name: nas9, u: 3 }
`;

const ALL_EXPECTED: Case[] = [
  { name: '', yaml: ALL, code: 'drive/unstable-id', text: '"/dev/sdb"', at: '12:/dev/sdb' },
  {
    name: '',
    yaml: ALL,
    code: 'drive/two-roles',
    text: 'role pool, and as nodes[0].drives[0]',
    at: '14:/dev/disk/by-id/nvme-A',
  },
  {
    name: '',
    yaml: ALL,
    code: 'storage/drives',
    text: 'pve2 has 2',
    at: '19:- { id: /dev/disk/by-id/nvme-D',
  },
  { name: '', yaml: ALL, code: 'capacity/memory', text: 'pve1 would run', at: '9:32' },
  { name: '', yaml: ALL, code: 'capacity/memory', text: 'pve2 would run', at: '27:pve2 }' },
  { name: '', yaml: ALL, code: 'vm/vmid-locked', text: 'holds for talos-cp2', at: '26:101' },
  { name: '', yaml: ALL, code: 'rack/out-of-range', text: '"pve2" at u 17', at: '32:17' },
  { name: '', yaml: ALL, code: 'rack/overlap', text: '"pbs1" (U15-U16) shares U16', at: '33:15' },
  { name: '', yaml: ALL, code: 'rack/unknown-host', text: '"nas9"', at: '34:nas9' },
];

describe('every bad physical input at once', () => {
  const lock = lockWith({ 'vm/talos-cp2': 101 });

  it('one parse reports each finding, at its place, with a hint', () => {
    const found = parse(ALL, lock);
    for (const c of ALL_EXPECTED) {
      const d = hit(found, c);
      expectAt(ALL, d, c.at);
      expect(d.severity).toBe('error');
      expect(d.hint).toBeTruthy();
    }
    // Nothing twice: one finding per problem.
    const keys = found.map((d) => `${d.code} ${d.location?.line}:${d.location?.col}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('loading the directory stops with all of them, judged against its lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-physical-'));
    try {
      writeFileSync(join(dir, SPEC_FILE), ALL);
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lock));
      const err = await loadProject(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      const text = (err as UserError).details.join('\n');
      // The registered layers may not contribute the rack yet: the rack rules then have no rack to judge.
      for (const c of ALL_EXPECTED.filter((x) => !x.code.startsWith('rack/'))) {
        const line = Number(c.at.slice(0, c.at.indexOf(':')));
        expect(text).toMatch(new RegExp(`error \\[${c.code}\\] [^\\n]*; at beelab\\.yaml:${line}:\\d+\\n`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pins in compute.vms reach the Site', () => {
  it('a pinned VM id and node win over the allocation and the lock; the VM that held the id moves', () => {
    const yaml = `${BASE}${NODES}compute:\n  vms:\n    - { name: apps, vmid: 555, node: pve2 }\n`;
    const parsed = parseSiteSpec(yaml);
    expect(parsed.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const { site, lockChanges } = resolve(
      parsed.spec!,
      lockWith({ 'vm/apps': 108, 'vm/monitor': 555 }),
      contributions,
    );
    const apps = site.hosts.find((h) => h.name === 'apps')!;
    expect(apps.vm).toMatchObject({ vmid: 555, node: 'pve2' });
    const ids = site.hosts.flatMap((h) => (h.vm ? [h.vm.vmid] : []));
    expect(new Set(ids).size).toBe(ids.length);
    expect(lockChanges.map((c) => `${c.key} ${c.from}`)).toEqual(
      expect.arrayContaining(['vm/apps 108', 'vm/monitor 555']),
    );
  });

  it('every example still parses without a physical error (their nodes have room and their drives are by id)', () => {
    for (const name of ['reference', 'compact', 'single', 'pfsense', 'vyos']) {
      const text = readFileSync(new URL(`../../examples/${name}/beelab.yaml`, import.meta.url), 'utf8');
      expect(
        parse(text)
          .filter((d) => d.severity === 'error')
          .map(formatDiagnostic),
        name,
      ).toEqual([]);
    }
  });
});
