// The proof of `beelab commit`: a site's life in git. init → commit → change an app version and a flow in
// beelab.yaml → one commit per tool scope with the expected messages; then an app removed and k3s bumped in
// versions.yaml. --dry-run commits nothing; changes Beelab did not make are refused by name and kept.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needTool } from '../../test/support/tools.ts';
import { writeSpecYaml } from '../init/spec-yaml.ts';
import { pathScope } from '../layers/devops/scopes.ts';
import { renderProject } from '../project/render.ts';
import type { Spec } from '../spec/schema.ts';
import { tierDefaults } from '../spec/tiers.ts';
import { commitSite } from './commit.ts';
import { initRepository } from './repository.ts';

const tmp = mkdtempSync(join(tmpdir(), 'beelab-commit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const git = (dir: string, ...args: string[]) => {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trimEnd();
};
const BIN = new URL('../../bin/beelab.mjs', import.meta.url).pathname;
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const capture = () => {
  const chunks: string[] = [];
  return {
    text: () => chunks.join(''),
    stream: { write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream,
  };
};

const dir = join(tmp, 'site');
const DIGEST = `sha256:${'4e'.repeat(32)}`;
const base: Spec = { ...tierDefaults('reference') };
/** The change a person makes: immich to a newer release (pinned by digest), and a flow of their own. */
const changed: Spec = {
  ...base,
  apps: base.apps!.map((a) => (a === 'immich' ? { name: 'immich', version: `v2.4.0@${DIGEST}` } : a)),
  flows: [
    { from: { role: 'k3s' }, to: { host: 'ai-head' }, protocol: 'tcp', ports: [8080], why: 'model admin UI' },
  ],
};
const BUMP = 'bump immich v2.3.1 → v2.4.0 (digest 4e4e4e4e4e4e)';
const RULE = 'allow devops → ai tcp 8080 (flows[0]: model admin UI)';
const RULE_IN_FULL =
  'allow devops (10.20.30.10, 10.20.30.11, 10.20.30.12) → ai (10.20.40.10) tcp 8080 (flows[0]: model admin UI)';

/** Subject and files of each of the last n commits, oldest first. */
function lastCommits(n: number): { subject: string; files: string[] }[] {
  return Array.from({ length: n }, (_, i) => {
    const rev = `HEAD~${n - 1 - i}`;
    return {
      subject: git(dir, 'log', '-1', '--format=%s', rev),
      files: git(dir, 'show', '--name-only', '--format=', rev).split('\n').sort(),
    };
  });
}

describe.runIf(needTool('git', 'apt-get install git'))('beelab commit: a site’s life in git', () => {
  beforeAll(async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'beelab.yaml'), writeSpecYaml(base));
    await renderProject(dir);
    await initRepository(dir, 'beelab', quiet);
  }, 60_000);

  it('has nothing to commit on a fresh repository', async () => {
    const out = capture();
    expect((await commitSite(dir, {}, out.stream)).commits).toEqual([]);
    expect(out.text()).toContain('Nothing to commit');
  });

  it('refuses changes it did not make, naming each, and keeps them all (exit 2 from the CLI)', async () => {
    writeFileSync(join(dir, 'beelab.yaml'), writeSpecYaml(changed));
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    writeFileSync(join(dir, 'README.md'), `${readme}\nmy edit\n`);
    const flows = readFileSync(join(dir, 'docs/flows.md'), 'utf8');
    rmSync(join(dir, 'docs/flows.md'));

    const r = spawnSync(process.execPath, [BIN, 'commit', dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('3 change(s) Beelab did not make; nothing was rendered or committed');
    expect(r.stderr).toContain('notes.txt: not a file Beelab generates');
    expect(r.stderr).toContain('README.md: edited by hand');
    expect(r.stderr).toContain('docs/flows.md: deleted by hand');
    expect(r.stderr).not.toContain('    at '); // no stack trace

    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(`${readme}\nmy edit\n`);
    expect(git(dir, 'status', '--porcelain').split('\n').sort()).toEqual([
      ' D docs/flows.md',
      ' M README.md',
      ' M beelab.yaml',
      '?? notes.txt',
    ]);
    rmSync(join(dir, 'notes.txt'));
    writeFileSync(join(dir, 'README.md'), readme);
    writeFileSync(join(dir, 'docs/flows.md'), flows);
  });

  it('--dry-run prints the commits it would make and changes nothing', async () => {
    const out = capture();
    const r = await commitSite(dir, { dryRun: true }, out.stream);
    expect(r.commits.map((c) => c.subject)).toEqual([
      `compose: ${BUMP}`,
      `opnsense: ${RULE}`,
      `docs: ${BUMP} (+1 more)`,
      `beelab: ${BUMP} (+1 more)`,
    ]);
    expect(out.text()).toContain('Would make 4 commit(s)');
    expect(out.text()).toContain(`opnsense: ${RULE}`);
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
    expect(git(dir, 'status', '--porcelain')).toBe(' M beelab.yaml');
  }, 60_000);

  it('commits the change per tool scope, in words a reviewer wants', async () => {
    const out = capture();
    const r = await commitSite(dir, {}, out.stream);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(lastCommits(4)).toEqual([
      { subject: `compose: ${BUMP}`, files: ['compose/apps/immich/compose.yaml'] },
      { subject: `opnsense: ${RULE}`, files: ['network/opnsense/config.xml'] },
      {
        subject: `docs: ${BUMP} (+1 more)`,
        files: [
          'docs/architecture.svg',
          'docs/flows.md',
          'docs/inventory.md',
          'docs/network-policy.md',
          'docs/network.svg',
        ],
      },
      { subject: `beelab: ${BUMP} (+1 more)`, files: ['.beelab/manifest.json', 'beelab.yaml'] },
    ]);
    expect(r.commits.map((c) => c.hash)).toEqual(
      git(dir, 'log', '-4', '--reverse', '--format=%h').split('\n'),
    );
    expect(out.text().trim().split('\n')).toHaveLength(4);
    // The compose file runs the new tag at its digest.
    expect(readFileSync(join(dir, 'compose/apps/immich/compose.yaml'), 'utf8')).toContain(
      `ghcr.io/immich-app/immich-server:v2.4.0@${DIGEST}`,
    );
    // Bodies: the rule with its addresses; the beelab commit tells every change and what beelab.yaml says.
    expect(git(dir, 'log', '-1', '--format=%b', 'HEAD~2')).toContain(`- ${RULE_IN_FULL}`);
    const beelab = git(dir, 'log', '-1', '--format=%b');
    expect(beelab).toContain(`- ${BUMP}\n- ${RULE_IN_FULL}`);
    expect(beelab).toContain(`- beelab.yaml: apps[immich].version: undefined → "v2.4.0@sha256:4e4e`);
    expect(await commitSite(dir, {}, quiet)).toEqual({ commits: [] });
  }, 60_000);

  it('words a removed app in every tool it leaves, and a catalog bump in the files that pin it', async () => {
    writeFileSync(
      join(dir, 'beelab.yaml'),
      writeSpecYaml({ ...changed, apps: changed.apps!.filter((a) => a !== 'home-assistant') }),
    );
    const versions = readFileSync(join(dir, 'versions.yaml'), 'utf8');
    expect(versions).toContain('k3s: v1.34.2+k3s1');
    writeFileSync(join(dir, 'versions.yaml'), versions.replace('k3s: v1.34.2+k3s1', 'k3s: v1.34.3+k3s1'));
    const r = await commitSite(dir, {}, quiet);
    // a Compose app (jellyfin now runs on the k3s cluster)
    const gone = 'remove home-assistant (home.lab.example.com)';
    const k3s = 'pin k3s v1.34.3+k3s1';
    const commits = lastCommits(r.commits.length);
    expect(commits.map((c) => c.subject)).toEqual([
      `ai: ${gone}`,
      `ansible: ${gone} (+1 more)`,
      `compose: ${gone}`,
      `monitoring: ${gone}`,
      `opnsense: ${gone}`,
      `docs: ${gone}; ${k3s}`,
      `beelab: ${gone} (+1 more)`,
    ]);
    // Each commit holds exactly its own scope's files, and together they are the whole change.
    for (const c of commits)
      expect(new Set(c.files.map(pathScope)), c.subject).toEqual(new Set([c.subject.split(':')[0]]));
    expect(commits.find((c) => c.subject.startsWith('compose:'))!.files).toContain(
      'compose/apps/home-assistant/compose.yaml',
    );
    expect(git(dir, 'status', '--porcelain')).toBe('');
  }, 60_000);

  it('leaves a git log that reads like the seed’s', () => {
    expect(git(dir, 'log', '--format=%s').split('\n').slice(-5)).toEqual([
      `beelab: ${BUMP} (+1 more)`,
      `docs: ${BUMP} (+1 more)`,
      `opnsense: ${RULE}`,
      `compose: ${BUMP}`,
      'beelab: new site beelab',
    ]);
    for (const s of git(dir, 'log', '--format=%s').split('\n'))
      expect(s).toMatch(/^(ai|ansible|compose|monitoring|opnsense|docs|beelab): [a-z]/);
  });
});
