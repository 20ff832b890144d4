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
import { CLONEZILLA_DIR, clonePlan, LIVE_DIR, scriptName } from './clonezilla.ts';

const site = exampleSite('reference');
const files = renderSite(site);
const plan = clonePlan(site)!;
const n = plan.node.name;
const script = (what: 'prepare' | 'clone' | 'restore') =>
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
      for (const what of ['prepare', 'clone', 'restore'] as const) {
        const path = join(work, scriptName(what, n));
        writeFileSync(path, script(what).content, { mode: 0o755 });
        expect(spawnSync('bash', ['-n', path]).status, what).toBe(0);
        const r = spawnSync('shellcheck', [path], { encoding: 'utf8' });
        expect(r.stdout + r.stderr, what).toBe('');
      }
    },
  );

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
