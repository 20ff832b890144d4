// docs/backup.md of a site: every VM with its own restore time at the backup network's speed, the totals from the
// VMs' disks, each backup server's capacity, and the clone when there is one.
import { describe, expect, it } from 'vitest';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { renderSite } from '../../project/render-site.ts';
import { BACKUP_DOC_PATH, duration } from './backup-docs.ts';
import { backupModel, estimateNeedGb, vmDiskGb } from './model.ts';

describe('docs/backup.md', () => {
  it('turns hours into what a reader reads', () => {
    expect(duration(0)).toBe('1 min');
    expect(duration(0.25)).toBe('15 min');
    expect(duration(3.45)).toBe('3 h 27 min');
  });

  it.each(['reference', 'single', 'compact'] as const)(
    '%s: sizes and restore times from the VMs’ disks',
    (name) => {
      const site = exampleSite(name);
      const model = backupModel(site)!;
      const text = renderSite(site).get(BACKUP_DOC_PATH)!.content;
      const total = vmDiskGb(model);
      expect(total).toBe(model.vms.reduce((n, h) => n + h.vm!.diskGb, 0));
      expect(text).toContain(`| VM disks backed up (one full copy) | ${total} |`);
      expect(text).toContain(`| ${Math.ceil(estimateNeedGb(site, total))} |`);
      for (const vm of model.vms) {
        // 1 Gbit/s at 90%: GB × 8 / 0.9 seconds.
        const minutes = Math.max(1, Math.ceil((vm.vm!.diskGb * 8) / 0.9 / 60));
        expect(text).toContain(
          `| ${vm.name} | ${vm.vm!.vmid} | ${vm.vm!.node} | ${vm.vm!.diskGb} | ${duration(minutes / 60)} |`,
        );
      }
      for (const s of [model.primary, model.mirror].filter((x) => x !== undefined))
        expect(text).toContain(`capacity of ${s.host.name}`);
      expect(text.includes('(Clonezilla)')).toBe(
        site.hosts.some((h) => h.drives.some((d) => d.role === 'recovery')),
      );
    },
  );
});
