// The watchdog command as a user runs it: --check, errors with exit 2, --reset of saved state, the bundle.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'bl-wd-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) =>
  execa('node', ['bin/beelab.mjs', 'watchdog', ...args], { cwd: root, reject: false });

describe('beelab watchdog', () => {
  it('--check summarises the example config', async () => {
    const r = await cli('--config', 'examples/watchdog.yaml', '--check');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      'ai1: 1 probe(s) every 15s; down after 4, up after 3; ladder restart → power (tasmota); grace 10m',
    );
  });

  it('exits 2 with located problems on a bad config', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'selfCheck: { probes: [{ kind: icmp, host: 10.250.0.1 }] }\ntargets:\n  - name: a\n    probes: []\n',
    );
    const r = await cli('--config', file, '--check');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${file}:4:13: targets[0].probes: Too small`);
  });

  it('--reset forgets one target (or all) in the state file', async () => {
    const state = join(dir, 'state.json');
    const file = join(dir, 'wd.yaml');
    writeFileSync(
      file,
      `stateFile: ${state}\nselfCheck: { probes: [{ kind: icmp, host: 10.250.0.1 }] }\ntargets:\n  - { name: a, probes: [{ kind: icmp, host: 10.250.0.2 }] }\n`,
    );
    const saved = {
      phase: 'gave-up',
      failures: 4,
      successes: 0,
      graceUntil: 0,
      rung: 1,
      nextActionAt: 0,
      cycles: [1, 2, 3],
      incidentCycles: 3,
    };
    writeFileSync(state, JSON.stringify({ version: 1, targets: { a: saved, b: saved } }));
    const r = await cli('--config', file, '--reset', 'a');
    expect(r.exitCode).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(state, 'utf8')).targets)).toEqual(['b']);
    expect((await cli('--config', file, '--reset', 'zz')).stderr).toContain('no saved state for target "zz"');
    await cli('--config', file, '--reset');
    expect(JSON.parse(readFileSync(state, 'utf8')).targets).toEqual({});
  });

  it('runs: serves /metrics, logs JSON, and stops cleanly on SIGTERM', async () => {
    const port = 20_000 + (process.pid % 10_000);
    const file = join(dir, 'run.yaml');
    writeFileSync(
      file,
      `stateFile: ${join(dir, 'run-state.json')}\nselfCheck: { probes: [{ kind: icmp, host: 127.0.0.1 }] }\n` +
        `metrics: { listen: "127.0.0.1:${port}" }\ndefaults: { interval: 1s, timeout: 500ms }\n` +
        `targets:\n  - { name: self, probes: [{ kind: tcp, host: 127.0.0.1, port: ${port} }] }\n`,
    );
    const proc = execa('node', ['bin/beelab.mjs', 'watchdog', '--config', file], {
      cwd: root,
      reject: false,
    });
    let metrics = '';
    for (let i = 0; i < 100 && !metrics.includes('beelab_watchdog_target_up{target="self"} 1'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
    }
    expect(metrics).toContain('beelab_watchdog_target_up{target="self"} 1');
    expect(metrics).toContain('beelab_watchdog_target_phase{target="self",phase="healthy"} 1');
    proc.kill('SIGTERM');
    const r = await proc;
    expect(r.exitCode).toBe(0);
    const lines = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; level: string });
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'watchdog started' });
    expect(lines.at(-1)).toMatchObject({ msg: 'watchdog stopped' });
  }, 30_000);

  it('--bundle writes one plain-JS file that runs without tsx', async () => {
    const out = join(dir, 'beelab-watchdog.mjs');
    expect((await cli('--bundle', out)).exitCode).toBe(0);
    const r = await execa('node', [out, '--config', join(root, 'examples/watchdog.yaml'), '--check'], {
      reject: false,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('examples/watchdog.yaml: ok');
  }, 60_000);
});
