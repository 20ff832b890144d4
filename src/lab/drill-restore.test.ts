// The restore drill's plan, without a lab: which hosts it can drill, what it plants and where the restore must
// put each file back.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { loadProject } from '../project/load.ts';
import { restoreDrillMachines, restoreDrillPlan } from './drill-restore.ts';

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
const reference = (await loadProject(example('reference'))).site;
const compact = (await loadProject(example('compact'))).site;

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    return [e.message, ...e.details].join('\n');
  }
  throw new Error('expected a refusal');
}

describe('restore drill plan', () => {
  it('sec1 (physical Debian): data back in place, configuration in the staging directory, a weight left out', () => {
    const p = restoreDrillPlan(reference, 'sec1');
    expect(p.server.name).toBe('pbs1');
    expect(p.source.repository).toBe('sftp:restic@10.20.10.14:/backup/restic/sec1');
    const where = Object.fromEntries(p.files.map((f) => [f.path, f.restoredAt]));
    expect(where['/srv/beelab-drill/data.bin']).toBe('/srv/beelab-drill/data.bin');
    expect(where['/home/beelab-drill/notes/readme.txt']).toBe('/home/beelab-drill/notes/readme.txt');
    expect(where['/etc/beelab-drill/data.bin']).toBe('/var/lib/beelab/restore/etc/beelab-drill/data.bin');
    expect(p.files).toHaveLength(9);
    expect(p.excluded).toMatch(/\.gguf$/);
    expect(restoreDrillMachines(p)).toEqual({
      machines: ['sec1'],
      standIns: [{ host: 'pbs1', for: expect.stringContaining('SFTP target') }],
    });
  });

  it('refuses a Mac, a VM, a Proxmox node and a site without an emulable client, naming the hosts it can drill', () => {
    const mac = refusal(() => restoreDrillPlan(reference, 'ai-head'));
    expect(mac).toContain('ai-head cannot run as a lab machine');
    expect(mac).toContain('hosts the drill can run on: sec1');
    expect(refusal(() => restoreDrillPlan(reference, 'pve1'))).toContain('a hypervisor');
    expect(refusal(() => restoreDrillPlan(reference, 'apps'))).toContain('apps has no file backup (restic)');
    expect(refusal(() => restoreDrillPlan(compact, 'apps'))).toContain('hosts the drill can run on: none');
  });
});
