// loadProject and the lock: a missing lock in a rendered directory and a conflicting lock stop with a message.
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UserError } from '../errors.ts';
import { secretRules } from './check.ts';
import { LOCK_FILE, SPEC_FILE } from './files.ts';
import { loadProject } from './load.ts';
import { renderProject } from './render.ts';

const EXAMPLE = readFileSync(new URL('../../examples/compact/beelab.yaml', import.meta.url), 'utf8');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rendered(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bl-load-'));
  dirs.push(dir);
  writeFileSync(join(dir, SPEC_FILE), EXAMPLE);
  await renderProject(dir);
  return dir;
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('loadProject and the lock', () => {
  it('refuses a missing lock in a directory rendered before, unless --new-lock', async () => {
    const dir = await rendered();
    unlinkSync(join(dir, LOCK_FILE));
    const err = await failure(loadProject(dir));
    expect(err.message).toContain('beelab.lock.yaml is missing');
    expect(err.details.join('\n')).toContain('--new-lock');
    const again = await loadProject(dir, { newLock: true });
    expect(again.site.hosts.length).toBeGreaterThan(0);
  });

  it('lists every conflicting value of a damaged lock, and with --repair-lock says what moved', async () => {
    const dir = await rendered();
    const lock = parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    const [a, b] = Object.keys(lock.vmids) as [string, string];
    lock.vmids[b] = lock.vmids[a];
    lock.addresses['host/apps'] = lock.addresses['host/monitor'];
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lock));
    const err = await failure(loadProject(dir));
    expect(err.message).toContain('2 conflicting allocation(s)');
    expect(err.details.join('\n')).toMatch(/addresses: host\/apps and host\/monitor both hold 10\./);
    const repaired = await loadProject(dir, { repairLock: true });
    const moved = repaired.warnings.filter((w) => w.code === 'lock/changed').map((w) => w.message);
    expect(moved).toHaveLength(2);
    expect(moved.join('\n')).toContain(`vmids ${b}`);
  });

  it('a first render needs no lock, and a re-render reports no change', async () => {
    const dir = await rendered();
    const again = await loadProject(dir);
    expect(again.warnings.filter((w) => w.code === 'lock/changed')).toEqual([]);
  });
});

describe('beelab check and secrets', () => {
  it('finds a private key pasted into any file of the site, at its line', async () => {
    const dir = await rendered();
    const clean = await secretRules(dir);
    expect(clean.filter((d) => d.severity === 'error')).toEqual([]);
    const key = ['-----BEGIN OPENSSH', 'PRIVATE KEY-----'].join(' ');
    writeFileSync(join(dir, 'docs/notes.md'), `# notes\n\n${key}\nb3BlbnNzaC1rZXktdjEAAAAA\n`);
    const found = (await secretRules(dir)).filter((d) => d.code === 'secrets/private-key');
    expect(found.map((d) => `${d.location?.file}:${d.location?.line}`)).toEqual(['docs/notes.md:3']);
  });
});
