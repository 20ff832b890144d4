// Config parsing: defaults merged in layers, and bad input reported with file:line:col, key path and a fix.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { parseDuration } from './duration.ts';
import { parseWatchdogConfig, resolveTargets } from './load-config.ts';

const BASE = `selfCheck: { probes: [{ kind: icmp, host: 10.250.0.1 }] }
targets:
  - name: a
    probes: [{ kind: tcp, host: 10.250.0.2, port: 22 }]
`;

function problems(yaml: string): string[] {
  try {
    parseWatchdogConfig(yaml, 'wd.yaml');
  } catch (err) {
    if (err instanceof UserError) return [err.message, ...err.details];
    throw err;
  }
  return [];
}

describe('watchdog config', () => {
  it('parses durations', () => {
    expect(['500ms', '10s', '1.5s', '5m', '2h', '1d', '10', '5 min'].map(parseDuration)).toEqual([
      500,
      10_000,
      1500,
      300_000,
      7_200_000,
      86_400_000,
      undefined,
      undefined,
    ]);
  });

  it('merges built-in defaults, then `defaults`, then the target', () => {
    const cfg = parseWatchdogConfig(
      `${BASE}    failAfter: 6\n    backoff: { max: 1h }\ndefaults: { interval: 5s, backoff: { initial: 1m } }\n`,
      'wd.yaml',
    );
    const [t] = resolveTargets(cfg);
    expect(t!.policy).toMatchObject({
      interval: 5000,
      failAfter: 6,
      recoverAfter: 3,
      backoff: { initial: 60_000, factor: 2, max: 3_600_000 },
      maxCycles: 3,
    });
  });

  it('accepts the shipped example', () => {
    const text = readFileSync(new URL('../../examples/watchdog.yaml', import.meta.url), 'utf8');
    expect(resolveTargets(parseWatchdogConfig(text, 'examples/watchdog.yaml'))).toHaveLength(5);
  });

  it.each([
    ['targets: []\nselfCheck: { probes: [{ kind: icmp, host: x }] }', 'wd.yaml:1:10 targets: Too small'],
    [
      BASE.replace('selfCheck: { probes: [{ kind: icmp, host: 10.250.0.1 }] }', 'selfCheck: { probes: [] }'),
      'wd.yaml:1:22 selfCheck.probes',
    ],
    [
      BASE.replace('selfCheck', 'selfcheck'),
      'selfCheck: Invalid input: expected object, received undefined (this key is required)',
    ],
    [`${BASE}    interval: 10`, 'targets[0].interval: Invalid input: expected string'],
    [
      `${BASE}    interval: 10 sec`,
      'wd.yaml:5:15 targets[0].interval: "10 sec" is not a duration; write e.g. 500ms',
    ],
    [`${BASE}    power: { type: shelly }`, 'targets[0].power.type: Invalid discriminator value'],
    [
      `${BASE}    power: { type: shelly-gen1 }`,
      'targets[0].power.url: Invalid input: expected string, received undefined (this key is required)',
    ],
    [
      `${BASE}    power: { type: tasmota, url: "http://10.250.0.5", hold: 10m }`,
      'tasmota hold must be between 200ms and 6m',
    ],
    [
      `${BASE}    powr: { type: gpio, line: 1 }`,
      'wd.yaml:3:5 targets[0]: Unrecognized key: "powr" (remove it, or check its spelling',
    ],
    [`${BASE}  - name: a\n    probes: [{ kind: icmp, host: x }]`, 'targets[1].name: "a" is used twice'],
    [
      `${BASE}maintenance: { windows: [{ start: "25:00", end: "01:00" }] }`,
      'maintenance.windows[0].start: HH:MM, 24-hour',
    ],
    [
      `${BASE}maintenance: { windows: [{ start: "01:00", end: "02:00", targets: [b] }] }`,
      'no target named "b"',
    ],
    ['targets: [\n', 'wd.yaml is not valid YAML'],
  ])('reports %#', (yaml, fragment) => {
    const out = problems(yaml).join('\n');
    expect(out).toContain(fragment);
  });
});
