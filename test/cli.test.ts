// The CLI end to end, as a user runs it: exit codes, error output, render/plan/check on a real site directory.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/beelab.mjs', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function beelab(args: string[], cwd?: string): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      ...(cwd ? { cwd } : {}),
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const SPEC = `version: 1
tier: reference
site:
  name: demo
  domain: lab.example.com
  admin:
    sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g admin@laptop"]
apps: [immich, vaultwarden]
`;

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'beelab-cli-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('beelab CLI', () => {
  it('prints help with every command', async () => {
    const r = await beelab(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['render', 'plan', 'check']) expect(r.stdout).toContain(cmd);
  });

  it('reports every error in beelab.yaml with positions, exit 2 and no stack trace', async () => {
    const dir = join(root, 'bad');
    await mkdir(dir);
    await writeFile(
      join(dir, 'beelab.yaml'),
      `${SPEC}productoin: {}\nwatchdogs:\n  - { name: wd1, relay: gpio, targets: [pve7] }\n`,
    );
    const r = await beelab(['render', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('beelab.yaml has 2 errors');
    expect(r.stderr).toMatch(/unknown key "productoin"; at beelab\.yaml:9:1/);
    expect(r.stderr).toContain('did you mean `production`?');
    expect(r.stderr).toMatch(/"pve7" is not a host of this site; at beelab\.yaml:11:41/);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);
  });

  // Issue 9: inputs that crashed with a trace (exit 1) are user errors: exit 2, located, no stack trace.
  it.each<[string, string | Buffer, RegExp]>([
    [
      'an alias to an undefined anchor',
      `${SPEC}backup: { mirror: *nope }\n`,
      /alias \*nope refers to no anchor &nope defined above it; at beelab\.yaml:9:19/,
    ],
    [
      'a billion laughs',
      `${SPEC}x0: &a0 [l, l, l, l, l, l, l, l, l]\n${Array.from({ length: 8 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]\n`).join('')}`,
      /aliases expand beelab\.yaml to over 100,000 values .*; at beelab\.yaml:14:10/,
    ],
    [
      'an invalid Linux interface name',
      `${SPEC}network:\n  firewall: { platform: linux, wan: "wan'0 <x>" }\n`,
      /network\.firewall\.wan .*is not an interface name.*; at beelab\.yaml:10:37/,
    ],
    [
      'a supernet too small for its VLANs',
      `${SPEC}network:\n  supernet: 10.20.0.0/24\n`,
      /finds no free \/24.*; at beelab\.yaml:10:13/,
    ],
    ['a NUL byte', `${SPEC}ups: { model: "a\0b" }\n`, /contains a NUL byte.*; at beelab\.yaml:9:17/],
    [
      'invalid UTF-8',
      Buffer.concat([Buffer.from(`${SPEC}ups: { model: "Caf`), Buffer.from([0xe9]), Buffer.from('" }\n')]),
      /is not valid UTF-8 here.*; at beelab\.yaml:9:19/,
    ],
  ])('%s: exit 2, located, no stack trace', async (name, content, located) => {
    const dir = join(root, `crash-${name.replace(/\W+/g, '-')}`);
    await mkdir(dir);
    await writeFile(join(dir, 'beelab.yaml'), content);
    for (const cmd of ['render', 'check']) {
      const r = await beelab([cmd, dir]);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(located);
      expect(r.stderr).not.toMatch(/\n\s+at .*\.(ts|js|mjs):\d+/);
      expect(r.stderr).not.toMatch(/internal error|bug/i);
    }
  });

  it('renders a CRLF beelab.yaml with a BOM like the same file with LF', async () => {
    const dir = join(root, 'crlf');
    await mkdir(dir);
    await writeFile(join(dir, 'beelab.yaml'), `\uFEFF${SPEC.replace(/\n/g, '\r\n')}`);
    const r = await beelab(['render', dir]);
    expect(r.code, r.stderr).toBe(0);
    const inventory = await readFile(join(dir, 'docs/inventory.md'), 'utf8');
    expect(inventory).not.toMatch(/\r|\uFFFD|\uFEFF/);
  });

  it('says how to start when there is no beelab.yaml', async () => {
    const r = await beelab(['plan', join(root, 'nothing-here')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('beelab init');
  });

  it('renders, then plans no changes and rewrites nothing', async () => {
    const dir = join(root, 'site');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'beelab.yaml'), SPEC);
    const first = await beelab(['render', dir]);
    expect(first.code, first.stderr).toBe(0);
    const lockBefore = await stat(join(dir, 'beelab.lock.yaml'));
    const manifest = JSON.parse(await readFile(join(dir, '.beelab/manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(manifest).length).toBeGreaterThan(0);

    const plan = await beelab(['plan', dir, '--exit-code']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const again = await beelab(['render', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('beelab.lock.yaml');
    expect((await stat(join(dir, 'beelab.lock.yaml'))).mtimeMs).toBe(lockBefore.mtimeMs);
  }, 90_000); // three CLI runs, each a cold start

  it('plan --exit-code exits 1 when beelab.yaml changed, and names the changes', async () => {
    const dir = join(root, 'site');
    await writeFile(
      join(dir, 'beelab.yaml'),
      SPEC.replace('apps: [immich, vaultwarden]', 'apps: [immich, vaultwarden, jellyfin]'),
    );
    const plan = await beelab(['plan', dir, '--exit-code']);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/~ .*inventory|~ .*flows/);
    await writeFile(join(dir, 'beelab.yaml'), SPEC);
  });

  it('stops on a hand-edited generated file, and --force keeps a backup', async () => {
    const dir = join(root, 'site');
    const target = join(dir, 'docs/inventory.md');
    const original = await readFile(target, 'utf8');
    await writeFile(target, `${original}\nmy note\n`);
    // A change that makes Beelab want to rewrite the edited file.
    await writeFile(join(dir, 'beelab.yaml'), SPEC.replace('name: demo', 'name: demo2'));
    const blocked = await beelab(['render', dir]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('docs/inventory.md');
    expect(blocked.stderr).toContain('overrides/');
    expect(await readFile(target, 'utf8')).toContain('my note');

    const forced = await beelab(['render', dir, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(`${target}.beelab-backup`, 'utf8')).toContain('my note');
    expect(await readFile(target, 'utf8')).not.toContain('my note');
  });

  it('keeps an override through re-rendering', async () => {
    const dir = join(root, 'site');
    await mkdir(join(dir, 'overrides/docs'), { recursive: true });
    await writeFile(
      join(dir, 'overrides/docs/inventory.md.append'),
      '\n## Local notes\n\nThe rack is in the basement.\n',
    );
    expect((await beelab(['render', dir])).code).toBe(0);
    await writeFile(join(dir, 'beelab.yaml'), SPEC.replace('apps: [immich, vaultwarden]', 'apps: [immich]'));
    expect((await beelab(['render', dir])).code).toBe(0);
    const text = await readFile(join(dir, 'docs/inventory.md'), 'utf8');
    expect(text).toContain('The rack is in the basement.');
  });

  it('check --strict --json passes on the rendered site and reports every validator', async () => {
    const dir = join(root, 'site');
    const r = await beelab(['check', dir, '--strict', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; results: { id: string; status: string }[] };
    expect(report.ok).toBe(true);
    const byId = new Map(report.results.map((x) => [x.id, x.status]));
    expect(byId.get('ansible-inventory')).toBe('passed');
    expect(byId.get('yamllint')).toBe('passed');
    expect([...byId.values()]).not.toContain('skipped');
    // progress: stdout is only the JSON; stderr (not a terminal here) has a plain line per validator
    const n = report.results.length;
    expect(r.stderr).toContain(`check [1/${n} validators] rules passed`);
    expect(r.stderr).toMatch(new RegExp(`check \\[\\d+/${n} validators\\] yamllint passed \\(\\d[^)]* s\\)`));
    expect(r.stderr).toMatch(new RegExp(`^check: ${n}/${n} validators in \\d`, 'm'));
    expect(r.stderr).not.toContain('\x1b[');
  }, 180_000); // every installed validator: grows as layers land
});
