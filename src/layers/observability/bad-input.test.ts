// Issue 17's bad input fed at once: a metrics port no flow lets Prometheus reach, an alert channel without a target,
// a watchdog that targets itself and a host it cannot reach, two watchdogs power-cycling one host through different
// relays. Loading the site reports every one as a located error (no stack trace), each with a hint.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../errors.ts';
import { formatLocation } from '../../kernel/diagnostic.ts';
import { loadProject } from '../../project/load.ts';
import { parseSiteSpec } from '../../project/spec.ts';

// No management VLAN: a Pi on the servers VLAN (with the monitor), which reaches the ai VLAN only through the
// firewall; the meter's metrics are for ai-2 only.
const SPEC = `version: 1
tier: reference
site:
  name: demo
  domain: lab.example.com
network:
  vlans:
    - { name: servers, id: 20, purpose: servers }
    - { name: ai, id: 40, purpose: ai }
services:
  - name: meter
    host: ai-head
    description: Power meter
    ports: [{ name: metrics, port: 9200 }]
    metrics: { port: metrics, path: /metrics }
    consumers: [{ host: ai-2 }]
observability:
  alerts:
    - type: ntfy
watchdogs:
  - name: wd1
    relay: gpio
    targets: [pve1, wd1, ai-head]
  - name: wd2
    relay: shelly-gen2
    relayHost: plug-a
    targets: [pve1]
`;

/** `line:col` of the `n`th occurrence (from 1) of `fragment` in SPEC. */
function at(fragment: string, n = 1): string {
  const lines = SPEC.split('\n');
  let seen = 0;
  for (const [i, l] of lines.entries()) {
    let col = l.indexOf(fragment);
    while (col >= 0) {
      if (++seen === n) return `beelab.yaml:${i + 1}:${col + 1}`;
      col = l.indexOf(fragment, col + 1);
    }
  }
  throw new Error(`${fragment} is not in the spec`);
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("observability's bad input, all at once", () => {
  it('every mistake is a located error with a hint, in one report', () => {
    const errors = parseSiteSpec(SPEC).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, formatLocation(d.location)]).sort()).toEqual(
      [
        ['monitoring/metrics-unreachable', at('metrics, path')],
        ['spec/schema', at('type: ntfy')],
        ['watchdog/self-target', at('wd1', 2)],
        ['watchdog/unreachable-target', at('ai-head', 2)],
        ['watchdog/two-relays', at('pve1', 2)],
        // What lets the Pi sit off the management VLAN is an error of its own.
        ['net/no-management', at('- { name: servers')],
      ].sort(),
    );
    for (const d of errors) expect(d.hint, d.code).toBeTruthy();
    const message = (code: string) => errors.find((d) => d.code === code)!.message;
    expect(message('monitoring/metrics-unreachable')).toContain(
      'the flow role:prometheus -> ai-head tcp 9200 is missing',
    );
    expect(message('spec/schema')).toBe('observability.alerts[0].target is required');
    expect(message('watchdog/unreachable-target')).toContain('cannot reach ai-head on VLAN ai');
    expect(message('watchdog/two-relays')).toContain('through shelly-gen2 plug-a');
  });

  it('loading the site stops with all of them, each line located, and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beelab-obs-bad-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'beelab.yaml'), SPEC);
    const err = await loadProject(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.message).toBe('beelab.yaml has 6 errors');
    const located = e.details.filter((l) => /^ {2}error .*beelab\.yaml:\d+:\d+/.test(l));
    expect(located).toHaveLength(6);
    expect(e.details.join('\n')).not.toMatch(/\n\s+at /);
  });
});
