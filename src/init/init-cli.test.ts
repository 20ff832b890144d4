// `beelab init` as a user runs it: the real CLI in a child process, on pipes and on a pseudo-terminal.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireTool } from '../../test/support/tools.ts';
import { specSchema } from '../spec/schema.ts';
import { tierDefaults } from '../spec/tiers.ts';
import { answersToSpec, defaultAnswers } from './spec-answers.ts';
import { writeSpecYaml } from './spec-yaml.ts';
import { KEY, TerminalDriver } from './terminal-driver.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/beelab.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'beelab-init-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
const freshDir = () => join(tmp, `site${++n}`);

/** Runs the CLI with stdin a pipe (not a terminal). */
function beelab(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input: '',
    encoding: 'utf8',
    timeout: 170_000, // under the quick start's own test budget (180 s): render + every validator
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeAnswers(text: string): string {
  const file = join(tmp, `answers${++n}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('beelab init without a terminal', () => {
  it('exits 2 with a clear message instead of waiting for answers', () => {
    const dir = freshDir();
    const r = beelab('init', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stdin is not a terminal');
    expect(r.stderr).toContain('--defaults');
    expect(r.stderr).toContain('--answers');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses --defaults with --answers', () => {
    const r = beelab('init', '--defaults', '--answers', 'x.yaml', freshDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exclude each other');
  });

  it('reports a bad answers file with FILE:LINE:COL and writes nothing', () => {
    const file = writeAnswers('tier: compact\nsupernet: 8.8.0.0/16\ncomputeNodes: two\n');
    const dir = freshDir();
    const r = beelab('init', '--answers', file, dir, '--no-render');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3:15: computeNodes: Invalid input: expected number`);
    expect(existsSync(join(dir, 'beelab.yaml'))).toBe(false);
  });
});

describe('beelab init --defaults (the quick start)', () => {
  it('writes the reference build, renders it, prints the plan and a check summary', () => {
    const dir = freshDir();
    const r = beelab('init', '--defaults', dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Wrote ${join(dir, 'beelab.yaml')}`);
    expect(r.stdout).toMatch(/^check (passed|FAILED): \d+ errors?, \d+ warnings?/m);
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'beelab.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=.beelab/beelab.schema.json');
    expect(text).toMatch(/^# .*\nnodes:/m);
    expect(specSchema.parse(parse(text))).toEqual(tierDefaults('reference'));
    expect(existsSync(join(dir, 'beelab.lock.yaml'))).toBe(true);
    // A git repository with the rendered site as its first commit (src/pipeline/repository.test.ts).
    expect(r.stdout).toMatch(
      /^Made .* a git repository: first commit [0-9a-f]+ \(beelab: new site beelab\)/m,
    );

    // Again: nothing to change, the file is left as it is.
    const again = beelab('init', '--defaults', dir, '--no-render');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already says this');
    expect(readFileSync(join(dir, 'beelab.yaml'), 'utf8')).toBe(text);
  }, 180_000); // render + every installed validator: grows as layers land
});

describe('beelab init on an existing beelab.yaml', () => {
  it('needs --force to replace a different file, and keeps the old one as beelab.yaml.bak', () => {
    const dir = freshDir();
    mkdirSync(dir);
    const mine = `# my own notes\n${writeSpecYaml(tierDefaults('compact'))}`;
    writeFileSync(join(dir, 'beelab.yaml'), mine);
    const file = writeAnswers('siteName: other\naiNodes: 0\n');

    const refused = beelab('init', '--answers', file, dir, '--no-render');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('exists and these answers change it');
    expect(refused.stderr).toContain('site.name: "beelab" → "other"');
    expect(refused.stderr).toContain('ai.nodes: - ai-head');
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(join(dir, 'beelab.yaml'), 'utf8')).toBe(mine);
    expect(existsSync(join(dir, 'beelab.yaml.bak'))).toBe(false);

    const forced = beelab('init', '--answers', file, dir, '--no-render', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'beelab.yaml.bak'), 'utf8')).toBe(mine);
    const spec = specSchema.parse(parse(readFileSync(join(dir, 'beelab.yaml'), 'utf8')));
    // Unanswered questions kept the existing file's values (its tier is compact, not the reference default).
    expect(spec).toEqual(answersToSpec({ ...defaultAnswers('compact'), siteName: 'other', aiNodes: 0 }));
  });

  it('an invalid beelab.yaml is reported, not overwritten, unless --force', () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(join(dir, 'beelab.yaml'), 'version: 1\nsite:\n  name: x\n');
    const r = beelab('init', '--defaults', dir, '--no-render');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('beelab.yaml:');
    expect(r.stderr).toContain('--force');
    const forced = beelab('init', '--defaults', dir, '--no-render', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'beelab.yaml.bak'), 'utf8')).toBe('version: 1\nsite:\n  name: x\n');
  });
});

describe('beelab init on a real terminal', () => {
  it('asks on a pseudo-terminal, shows the current values, and confirms before replacing', async (ctx) => {
    requireTool(ctx, 'script', 'apt-get install bsdutils');
    const dir = freshDir();
    mkdirSync(dir);
    const before = writeSpecYaml(answersToSpec({ ...defaultAnswers('single'), siteName: 'tiny' }));
    writeFileSync(join(dir, 'beelab.yaml'), before);

    // script(1) gives the CLI a real pty: process.stdin.isTTY is true there, as for a person.
    const child = spawn(
      'script',
      ['-qfec', `${process.execPath} ${BIN} init ${dir} --no-render`, '/dev/null'],
      {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const drive = new TerminalDriver(child.stdout, child.stdin, 20_000);
    try {
      await drive.answer('Tier', KEY.enter);
      await drive.answer('Site name (tiny)', KEY.enter);
      await drive.answer('Domain', KEY.enter);
      await drive.answer('IP range (supernet)', KEY.enter);
      await drive.answer('Firewall platform', KEY.enter);
      await drive.answer('Primary node NIC', KEY.enter);
      await drive.answer('Primary node system drive', KEY.enter);
      await drive.answer('Primary node pool drives', KEY.enter);
      await drive.answer('Compute nodes besides the primary', KEY.enter);
      await drive.answer('Storage pool layout', KEY.enter);
      await drive.answer('File sync on the pool', KEY.enter);
      await drive.answer('Talos control planes', KEY.enter);
      await drive.answer('Talos workers', KEY.enter);
      await drive.answer('k3s workers', '1', KEY.enter);
      await drive.answer('Apps', KEY.enter);
      await drive.answer('AI mesh nodes', KEY.enter);
      await drive.answer('Proxmox Backup Server', KEY.enter);
      await drive.answer('Keep daily/weekly/monthly backups', KEY.enter);
      await drive.answer('Alert channel', KEY.enter);
      await drive.answer('Admin SSH public key', KEY.enter);
      await drive.waitFor('devops.agents: 0 → 1');
      await drive.answer('Replace beelab.yaml?', 'y', KEY.enter);
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
    expect(readFileSync(join(dir, 'beelab.yaml.bak'), 'utf8')).toBe(before);
    const spec = specSchema.parse(parse(readFileSync(join(dir, 'beelab.yaml'), 'utf8')));
    expect(spec.site.name).toBe('tiny');
    expect(spec.devops!.agents).toBe(1);
  });

  it('Ctrl-C cancels with exit 130 and writes nothing', async (ctx) => {
    requireTool(ctx, 'script', 'apt-get install bsdutils');
    const dir = freshDir();
    const child = spawn('script', ['-qfec', `${process.execPath} ${BIN} init ${dir}`, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, HOME: tmp },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const drive = new TerminalDriver(child.stdout, child.stdin, 20_000);
    try {
      await drive.answer('Tier', KEY.down, KEY.enter);
      await drive.answer('Site name', 'half', '\x03');
      expect(await exited).toBe(130);
    } finally {
      child.kill();
    }
    expect(drive.screen).toContain('init cancelled; nothing was written');
    expect(existsSync(dir)).toBe(false);
  });
});
