// The backup layer's validators through the real runner: systemd-analyze judges every schedule, located.
import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../test/support/check-site.ts';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { needTool } from '../../../test/support/tools.ts';
import { renderSite } from '../../project/render-site.ts';
import { backupConfigValidator, calendarValidator, unitValidator } from './validators.ts';

afterAll(removeSites);

const PRUNE = (schedule: string) =>
  `prune: main-retention\n\tkeep-daily 7\n\tschedule ${schedule}\n\tstore main\n\n`;

describe.runIf(needTool('systemd-analyze', 'apt-get install systemd'))('calendar validator', () => {
  it('passes the schedules Beelab writes, and PVE’s own short forms', async () => {
    const r = await checkWith(calendarValidator, {
      'backup/pbs/pbs1/prune.cfg': PRUNE('*-*-* 05:00'),
      'backup/pve/jobs.cfg': 'vzdump: j\n\tschedule sat 03:30\n\n',
      'backup/pbs/pbs1/datastore.cfg': 'datastore: main\n\tgc-schedule daily\n\tpath /b\n\n',
    });
    expect(r.status).toBe('passed');
    expect(r.files).toBe(3);
  });

  it('fails each bad schedule at its line, and only those', async () => {
    const r = await checkWith(calendarValidator, {
      'backup/pbs/pbs1/prune.cfg': PRUNE('*-*-* 25:00'),
      'backup/pve/jobs.cfg': 'vzdump: j\n\tcomment nightly\n\tschedule nightly at two\n\n',
      'backup/pbs/pbs1/verification.cfg': 'verification: v\n\tschedule *-*-* 06:00\n\tstore main\n\n',
      'backup/restic/wd1/beelab-restic.timer': '[Timer]\nOnCalendar=*-*-* 02:00\n',
      'backup/restic/pve1/beelab-restic.timer': '[Timer]\nOnCalendar=at two\n',
      'backup/clonezilla/beelab-clonezilla.timer':
        '[Unit]\nDescription=x\n\n[Timer]\nOnCalendar=monthly-ish\n',
    });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual([
      'backup/clonezilla/beelab-clonezilla.timer:5:1 error calendar/invalid',
      'backup/pbs/pbs1/prune.cfg:3:1 error calendar/invalid',
      'backup/pve/jobs.cfg:3:1 error calendar/invalid',
      'backup/restic/pve1/beelab-restic.timer:2:1 error calendar/invalid',
    ]);
  });
});

describe('backup-config validator', () => {
  it('fails an unknown key at its line', async () => {
    const r = await checkWith(backupConfigValidator, {
      'backup/pbs/pbs1/prune.cfg': 'prune: a\n\tkeep-dialy 7\n\tstore main\n\n',
      'backup/pbs/pbs1/acl.cfg': 'acl:1:/datastore/main:u@pbs,u@pbs!t:DatastoreReader\n',
    });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual(['backup/pbs/pbs1/prune.cfg:2:1 error backup/section-config']);
  });
});

describe.runIf(needTool('systemd-analyze', 'apt-get install systemd'))('backup-units validator', () => {
  it('passes every timer and service the reference renders (restic clients, the Clonezilla schedule)', async () => {
    const files = Object.fromEntries(
      renderSite(exampleSite('reference'))
        .entries()
        .filter(([p]) => /^backup\/.+\.(service|timer)$/.test(p))
        .map(([p, f]) => [p, f.content]),
    );
    expect(Object.keys(files)).toContain('backup/clonezilla/beelab-clonezilla.timer');
    const r = await checkWith(unitValidator, files);
    expect(r.status, JSON.stringify(r)).toBe('passed');
    expect(r.files).toBe(Object.keys(files).length);
  });

  it('fails a bad setting at its line and a timer without its schedule', async () => {
    const r = await checkWith(unitValidator, {
      'backup/restic/wd1/beelab-restic.service':
        '[Service]\nType=oneshot\nExecStart=/bin/bash /x.sh\nNice=99\n',
      'backup/clonezilla/beelab-clonezilla.timer': '[Timer]\nOnCalendar=at two\n',
      'backup/clonezilla/beelab-clonezilla.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
    });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual(
      expect.arrayContaining([
        'backup/restic/wd1/beelab-restic.service:4:1 error systemd/verify',
        'backup/clonezilla/beelab-clonezilla.timer:2:1 error systemd/verify',
      ]),
    );
  });
});
