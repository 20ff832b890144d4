// The restore drill, for real, with Debian's restic and the rendered client files (backup.sh, excludes, the
// retention): back up an app's data with known hashes, delete it, restore, compare every hash; then date a
// series of snapshots and check that exactly the ones the retention promises remain.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { needTool } from '../../../test/support/tools.ts';
import { backupModel } from './model.ts';
import { renderBackup } from './render.ts';
import { resticSources } from './restic.ts';

const site = exampleSite('reference');
const tree = renderBackup(site);
const model = backupModel(site)!;
const sources = resticSources(site, model);
const work = mkdtempSync(join(tmpdir(), 'beelab-restic-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The rendered client files of `host`, written to a directory as the role installs them. */
function client(host: string): string {
  const dir = join(work, `client-${host}`);
  mkdirSync(dir, { recursive: true });
  for (const [path, f] of tree.entries())
    if (path.startsWith(`backup/restic/${host}/`))
      writeFileSync(join(dir, path.split('/').at(-1)!), f.content, { mode: f.mode });
  return dir;
}

function run(cmd: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function hashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root);
  return out;
}

describe('the rendered restic clients', () => {
  it('cover the physical Debian hosts, the Pis and the Macs, never a VM', () => {
    const names = sources.map((s) => s.host.name);
    expect(names).toEqual(expect.arrayContaining(['pve1', 'pbs1', 'pbs2', 'sec1', 'wd1']));
    expect(sources.some((s) => s.platform === 'macos')).toBe(true);
    expect(sources.every((s) => !s.host.vm)).toBe(true);
    for (const s of sources)
      expect(s.repository).toBe(`sftp:restic@${model.primary.host.address}:/backup/restic/${s.host.name}`);
  });

  it.runIf(needTool('shellcheck', 'apt-get install shellcheck'))(
    'backup.sh and restore.sh are shellcheck-clean',
    () => {
      const mac = sources.find((x) => x.platform === 'macos')!.host.name;
      for (const host of ['pve1', mac]) {
        const dir = client(host);
        const r = spawnSync('shellcheck', ['-x', join(dir, 'backup.sh'), join(dir, 'restore.sh')], {
          encoding: 'utf8',
        });
        expect(r.stdout + r.stderr).toBe('');
        expect(r.status).toBe(0);
      }
    },
  );
});

describe.runIf(needTool('restic', 'apt-get install restic'))('restore drill (restic)', () => {
  const password = join(work, 'password');
  writeFileSync(password, 'drill-password\n', { mode: 0o600 });
  const dir = client('pve1');

  it('restores an app’s data byte for byte and leaves model weights out', () => {
    const data = join(work, 'srv', 'immich');
    mkdirSync(join(data, 'library', '2026'), { recursive: true });
    mkdirSync(join(data, 'models'), { recursive: true });
    mkdirSync(join(data, '.cache', 'huggingface', 'hub'), { recursive: true });
    for (let i = 0; i < 20; i++)
      writeFileSync(
        join(data, 'library', '2026', `IMG_${i}.jpg`),
        createHash('sha512').update(`photo ${i}`).digest(),
      );
    writeFileSync(join(data, 'db.sql'), 'CREATE TABLE assets (id int);\n');
    writeFileSync(join(data, 'models', 'clip.gguf'), Buffer.alloc(4096, 7));
    writeFileSync(join(data, '.cache', 'huggingface', 'hub', 'weights.bin'), Buffer.alloc(4096, 9));
    const before = hashes(data);
    const includes = join(work, 'includes-drill.txt');
    writeFileSync(includes, `${data}\n`);
    const env = {
      RESTIC_REPOSITORY: join(work, 'repo-drill'),
      RESTIC_PASSWORD_FILE: password,
      BEELAB_RESTIC_INCLUDES: includes,
    };
    run(join(dir, 'backup.sh'), [], env);
    rmSync(data, { recursive: true });
    const target = join(work, 'restored');
    // The rendered restore.sh: the whole snapshot into the staging directory (pve1 keeps no data path in place).
    expect(run(join(dir, 'restore.sh'), [target], env)).toContain(`everything in ${target}`);
    const after = hashes(join(target, data));
    const kept = Object.fromEntries(
      Object.entries(before).filter(([p]) => !p.endsWith('.gguf') && !p.includes('.cache/huggingface')),
    );
    expect(Object.keys(kept)).toHaveLength(21);
    expect(after).toEqual(kept);
  });

  it('keeps exactly the snapshots the retention promises (daily 7, weekly 4, monthly 6, yearly 1)', () => {
    expect(site.backup.retention).toEqual({ daily: 7, weekly: 4, monthly: 6, yearly: 1 });
    const data = join(work, 'series');
    mkdirSync(data, { recursive: true });
    const includes = join(work, 'includes-series.txt');
    writeFileSync(includes, `${data}\n`);
    const env = {
      RESTIC_REPOSITORY: join(work, 'repo-series'),
      RESTIC_PASSWORD_FILE: password,
      BEELAB_RESTIC_INCLUDES: includes,
    };
    const days = [
      ...Array.from({ length: 10 }, (_, i) => `2026-11-${String(30 - i).padStart(2, '0')}`),
      ...['2026-11-14', '2026-11-07', '2026-10-31', '2026-10-24', '2026-10-17'],
      ...['09', '08', '07', '06', '05', '04', '03'].map((m) => `2026-${m}-15`),
      ...['2025-12-15', '2025-06-15', '2024-12-15'],
    ].sort();
    for (const day of days) {
      writeFileSync(join(data, 'state.txt'), `state of ${day}\n`);
      run(join(dir, 'backup.sh'), [], {
        ...env,
        BEELAB_RESTIC_STEPS: 'backup',
        BEELAB_RESTIC_TIME: `${day} 02:00:00`,
      });
    }
    run(join(dir, 'backup.sh'), [], { ...env, BEELAB_RESTIC_STEPS: 'forget' });
    const left = (JSON.parse(run('restic', ['snapshots', '--json'], env)) as { time: string }[])
      .map((s) => s.time.slice(0, 10))
      .sort();
    // By hand: daily 7 = Nov 24-30; weekly 4 adds Nov 22 (week 47) and Nov 14 (week 46); monthly 6 adds
    // Oct 31, Sep, Aug, Jul and Jun 15; yearly 1 is 2026, already kept. Nov 21, 23 and the rest go.
    expect(left).toEqual([
      '2026-06-15',
      '2026-07-15',
      '2026-08-15',
      '2026-09-15',
      '2026-10-31',
      '2026-11-14',
      '2026-11-22',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
    ]);
  }, 240_000);
});
