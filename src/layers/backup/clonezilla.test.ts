// Clonezilla for the primary: the rendered scripts pass bash -n and shellcheck, name both drives by id, call
// ocs-onthefly with a source (-f) and a destination (-d), refuse a drive that is not there; the boot parameters run
// scripts the stick holds; a recovery drive smaller than the system drive is a located error.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { needTool } from '../../../test/support/tools.ts';
import { renderSite } from '../../project/render-site.ts';
import { parseSiteSpec } from '../../project/spec.ts';
import {
  CLONEZILLA_DIR,
  clonePlan,
  GRUB_ENTRY_ID,
  GRUB_SCRIPT,
  LIVE_DIR,
  LIVE_HD_DIR,
  SCHEDULE_UNIT,
  scriptName,
} from './clonezilla.ts';

const site = exampleSite('reference');
const files = renderSite(site);
const plan = clonePlan(site)!;
const n = plan.node.name;
const script = (what: Parameters<typeof scriptName>[0]) =>
  files.get(`${CLONEZILLA_DIR}/${scriptName(what, n)}`)!;
const work = mkdtempSync(join(tmpdir(), 'beelab-clonezilla-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the clone of the primary', () => {
  it("clones the primary's system drive to its recovery drive, both by id, and back", () => {
    expect(plan.node.roles).toContain('pve_primary');
    expect(plan.source).toMatch(/^\/dev\/disk\/by-id\//);
    expect(plan.target).toMatch(/^\/dev\/disk\/by-id\//);
    for (const what of ['clone', 'restore'] as const) {
      const s = script(what).content;
      expect(script(what).mode).toBe(0o755);
      expect(s).toContain(`system_id="${plan.source}"`);
      expect(s).toContain(`recovery_id="${plan.target}"`);
      // -f is the source and -d the destination (-t would be "do not restore the MBR").
      expect(s).toMatch(/ocs-onthefly -batch -f "\$src" -d "\$dst" /);
      expect(s).not.toMatch(/ocs-onthefly.* -t /);
    }
    expect(script('clone').content).toContain('src="$(resolve "$system_id")"');
    expect(script('restore').content).toContain('src="$(resolve "$recovery_id")"');
    expect(script('prepare').content).toContain(`ha-manager crm-command node-maintenance enable "$node"`);
    expect(script('prepare').content).toContain(`node-maintenance disable ${n}`);
  });

  it('the unattended boot parameters run the scripts from the stick', () => {
    const params = files.get(`${CLONEZILLA_DIR}/boot-parameters.txt`)!.content;
    const lines = params.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toHaveLength(2);
    for (const [line, what] of [
      [lines[0]!, 'clone'],
      [lines[1]!, 'restore'],
    ] as const) {
      expect(line).toContain(`ocs_live_run="sudo bash ${LIVE_DIR}/${scriptName(what, n)}"`);
      expect(line).toContain('ocs_live_batch="yes"');
      expect(files.has(`${CLONEZILLA_DIR}/${scriptName(what, n)}`)).toBe(true);
    }
  });

  it.runIf(needTool('shellcheck', 'apt-get install shellcheck'))(
    'every script passes bash -n and shellcheck',
    () => {
      for (const what of [
        'prepare',
        'clone',
        'restore',
        'scheduled-clone',
        'reboot-to-clone',
        'install-schedule',
      ] as const) {
        const path = join(work, scriptName(what, n));
        writeFileSync(path, script(what).content, { mode: 0o755 });
        expect(spawnSync('bash', ['-n', path]).status, what).toBe(0);
        const r = spawnSync('shellcheck', [path], { encoding: 'utf8' });
        expect(r.stdout + r.stderr, what).toBe('');
      }
    },
  );

  it('the schedule: a timer on the spec calendar, maintenance first, then one GRUB boot into Clonezilla live', () => {
    const timer = files.get(`${CLONEZILLA_DIR}/${SCHEDULE_UNIT}.timer`)!.content;
    expect(timer).toContain(`\nOnCalendar=${site.backup.cloneSchedule}\n`);
    expect(site.backup.cloneSchedule).toBe('Sun *-*-01..07 04:00');
    expect(timer).toContain('\nPersistent=false\n');
    const service = files.get(`${CLONEZILLA_DIR}/${SCHEDULE_UNIT}.service`)!.content;
    expect(service).toContain(
      `ExecStart=/bin/bash /etc/beelab/clonezilla/${scriptName('reboot-to-clone', n)}`,
    );
    const reboot = script('reboot-to-clone').content;
    const order = [
      `bash "$here/${scriptName('prepare', n)}"`,
      `grub-reboot ${GRUB_ENTRY_ID}`,
      'systemctl reboot',
    ];
    expect(order.map((l) => reboot.indexOf(l))).toEqual(
      [...order.map((l) => reboot.indexOf(l))].sort((a, b) => a - b),
    );
    expect(order.every((l) => reboot.includes(l))).toBe(true);
    // In Clonezilla live: the clone, then back into Proxmox VE whatever its outcome.
    const scheduled = script('scheduled-clone').content;
    expect(scheduled).toContain(`BEELAB_CLONEZILLA_AFTER=true bash "$here/${scriptName('clone', n)}"`);
    expect(scheduled.trim().endsWith('reboot')).toBe(true);
  });

  it('the GRUB entry update-grub writes: Clonezilla live from the ESP into RAM, the scheduled clone, unattended', () => {
    const path = join(work, GRUB_SCRIPT);
    writeFileSync(path, files.get(`${CLONEZILLA_DIR}/${GRUB_SCRIPT}`)!.content, { mode: 0o755 });
    expect(files.get(`${CLONEZILLA_DIR}/${GRUB_SCRIPT}`)!.mode).toBe(0o755);
    const r = spawnSync('sh', [path], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const entry = r.stdout.split('\n');
    expect(entry[0]).toMatch(new RegExp(`^menuentry ".*${n}.*" --id ${GRUB_ENTRY_ID} \\{$`));
    const linux = entry.find((l) => l.trim().startsWith('linux '))!;
    expect(linux.trim().split(' ').slice(0, 3)).toEqual(['linux', `/${LIVE_HD_DIR}/vmlinuz`, 'boot=live']);
    expect(linux).toContain(`ocs_live_run="sudo bash ${LIVE_DIR}/${scriptName('scheduled-clone', n)}"`);
    expect(linux).toContain('ocs_live_batch="yes"');
    expect(linux).toContain(`live-media-path=/${LIVE_HD_DIR} toram=${LIVE_HD_DIR},beelab`);
    expect(entry).toContain(`  initrd /${LIVE_HD_DIR}/initrd.img`);
    if (needTool('shellcheck', 'apt-get install shellcheck'))
      expect(spawnSync('shellcheck', [path], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('the timer refuses, naming why, on a node where the GRUB entry is not installed', () => {
    const path = join(work, scriptName('reboot-to-clone', n));
    writeFileSync(path, script('reboot-to-clone').content, { mode: 0o755 });
    const r = spawnSync('bash', [path], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no scheduled clone of ${n}:`);
    expect(r.stderr).toContain('take the clone from the Clonezilla live stick instead');
  });

  it('the restore refuses a drive that is not there, before it touches anything', () => {
    const path = join(work, 'restore.sh');
    writeFileSync(path, script('restore').content, { mode: 0o755 });
    // The recovery drive (the source) is looked for first: this machine has neither drive.
    const r = spawnSync('bash', [path, '/dev/disk/by-id/not-a-drive-here'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${plan.target} is not a block device here`);
  });

  it('a site without a recovery drive gets no scripts; backup.clonezilla false neither', () => {
    const single = exampleSite('compact');
    expect(clonePlan(single)).toBeUndefined();
    expect(
      renderSite(single)
        .entries()
        .some(([p]) => p.startsWith(`${CLONEZILLA_DIR}/`)),
    ).toBe(false);
    const off = { ...site, backup: { ...site.backup, clonezilla: false } };
    expect(clonePlan(off)).toBeUndefined();
  });
});

describe('rules', () => {
  const spec = (recoveryOn: string, size: number) => `version: 1
tier: reference
site:
  name: demo
  domain: lab.example.com
nodes:
  - name: pve1
    role: primary
    memoryGb: 96
    drives:
      - id: /dev/disk/by-id/nvme-SYSTEM
        role: system
        sizeGb: 1000
${
  recoveryOn === 'pve1'
    ? `      - id: /dev/disk/by-id/ata-RECOVERY
        role: recovery
        sizeGb: ${size}
`
    : ''
}  - name: pve2
    role: compute
    memoryGb: 96
${
  recoveryOn === 'pve2'
    ? `    drives:
      - id: /dev/disk/by-id/ata-RECOVERY
        role: recovery
        sizeGb: ${size}
`
    : ''
}`;
  const found = (yaml: string) =>
    parseSiteSpec(yaml, 'beelab.yaml').diagnostics.filter((d) => d.code === 'backup/recovery-drive');

  it('a recovery drive smaller than the system drive is an error at its size', () => {
    const [d, ...rest] = found(spec('pve1', 500));
    expect(rest).toEqual([]);
    expect(d?.severity).toBe('error');
    expect(d?.message).toContain("pve1's recovery drive (500 GB) is smaller than its system drive (1000 GB)");
    expect(d?.location).toMatchObject({ file: 'beelab.yaml', line: 16 }); // sizeGb: 500
    expect(found(spec('pve1', 1000))).toEqual([]);
  });

  it('a recovery drive off the primary is a warning at its role', () => {
    const [d] = found(spec('pve2', 1000));
    expect(d?.severity).toBe('warning');
    expect(d?.location).toMatchObject({ line: 19 }); // role: recovery
  });
});
