// Config parsing: defaults merged in layers, and bad input reported with file:line:col, key path and a fix.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { parseDuration } from '../kernel/duration.ts';
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

  it('a timeout nobody wrote follows a short interval; one written must be shorter than the interval', () => {
    const [t] = resolveTargets(parseWatchdogConfig(`${BASE}    interval: 2s\n`, 'wd.yaml'));
    expect(t!.policy).toMatchObject({ interval: 2000, timeout: 1000 });
    expect(problems(`${BASE}    interval: 2s\n    timeout: 2s\n`)).toEqual([
      'wd.yaml: 1 problem in the watchdog config',
      '  wd.yaml:6:14: targets[0].timeout: a: timeout 2s is not shorter than interval 2s (got "2s"); a probe must end before the next one starts; lower timeout or raise interval',
    ]);
    // Set in `defaults` and inherited by two targets: one line, at the defaults.
    const two = `${BASE}  - { name: b, probes: [{ kind: icmp, host: x }] }\ndefaults: { interval: 3s, timeout: 4s }\n`;
    expect(problems(two)).toEqual([
      'wd.yaml: 1 problem in the watchdog config',
      '  wd.yaml:6:36: defaults.timeout: timeout 4s is not shorter than interval 3s (got "4s"); a probe must end before the next one starts; lower timeout or raise interval',
    ]);
  });

  it('refuses durations that make no sense, each at its line:col', () => {
    const text = `${BASE}    interval: 0s\n    timeout: 0ms\n    backoff: { initial: 0s }\n    window: 10s\n    power: { type: gpio, line: 1, hold: 0s }\nselfCheck: { probes: [{ kind: icmp, host: x }], timeout: 50ms }\n`;
    expect(
      problems(text.replace(/^selfCheck: \{ probes: \[\{ kind: icmp, host: 10.250.0.1 \}\] \}\n/, '')),
    ).toEqual([
      'wd.yaml: 6 problems in the watchdog config',
      '  wd.yaml:4:15: targets[0].interval: must be at least 1s (probing faster only loads the Pi and the network) (got "0s")',
      '  wd.yaml:5:14: targets[0].timeout: must be at least 100ms (shorter deadlines time out on healthy machines) (got "0ms")',
      '  wd.yaml:6:25: targets[0].backoff.initial: must be at least 1s (back-off exists to space power cycles apart) (got "0s")',
      '  wd.yaml:7:13: targets[0].window: must be at least 1m (the cap counts cycles inside this window) (got "10s")',
      '  wd.yaml:8:41: targets[0].power.hold: must be at least 100ms (a shorter cut may not power the machine off at all) (got "0s")',
      '  wd.yaml:9:58: selfCheck.timeout: must be at least 100ms (shorter deadlines time out on a healthy link) (got "50ms")',
    ]);
  });

  it('locates duplicate names, unknown window targets and unknown keys at the offending token', () => {
    const text = `${BASE}  - name: a\n    probes: [{ kind: icmp, host: x }]\nmaintenance:\n  windows:\n    - { start: "01:00", end: "02:00", targets: [a, b] }\n`;
    expect(problems(text)).toEqual([
      'wd.yaml: 2 problems in the watchdog config',
      '  wd.yaml:5:11: targets[1].name: "a" is already the name of targets[0] (got "a"); names key the state file and the metrics; make them unique',
      '  wd.yaml:9:52: maintenance.windows[0].targets[1]: no target has this name (got "b"); targets are "a"',
    ]);
    expect(problems(`${BASE}    powr: { type: gpio, line: 1 }\n`)).toEqual([
      'wd.yaml: 1 problem in the watchdog config',
      '  wd.yaml:5:5: targets[0].powr: unknown key "powr"; did you mean "power"?',
    ]);
    expect(problems(`${BASE}    power: { type: gpio, line: 1, chips: x }\n`)[1]).toBe(
      '  wd.yaml:5:35: targets[0].power.chips: unknown key "chips"; did you mean "chip"?',
    );
  });

  it('locates YAML syntax errors at line:col', () => {
    expect(problems(`${BASE}    interval: [1s\n`)).toEqual([
      'wd.yaml is not valid YAML',
      expect.stringMatching(/^ {2}wd\.yaml:5:15: this \[ is never closed/),
    ]);
    expect(problems('targets: [\n').join('\n')).not.toContain('?');
  });

  it.each([
    ['targets: []\nselfCheck: { probes: [{ kind: icmp, host: x }] }', 'wd.yaml:1:10: targets: Too small'],
    [
      BASE.replace('selfCheck: { probes: [{ kind: icmp, host: 10.250.0.1 }] }', 'selfCheck: { probes: [] }'),
      'wd.yaml:1:22: selfCheck.probes: Too small',
    ],
    [BASE.replace('selfCheck', 'selfcheck'), 'wd.yaml:1:1: selfCheck: missing required key "selfCheck"'],
    [`${BASE}    interval: 10`, 'wd.yaml:5:15: targets[0].interval: expected a string (got 10)'],
    [
      `${BASE}    interval: 10 sec`,
      'wd.yaml:5:15: targets[0].interval: not a duration; write a number with a unit, e.g. 500ms, 10s, 5m, 2h or 1d (got "10 sec")',
    ],
    [
      `${BASE}    power: { type: shelly }`,
      'wd.yaml:5:20: targets[0].power.type: unknown type (got "shelly"); use one of "gpio", "shelly-gen1"',
    ],
    [
      `${BASE}    power: { type: shelly-gen1 }`,
      'wd.yaml:5:12: targets[0].power.url: missing required key "url"; add it (string)',
    ],
    [
      `${BASE}    power: { type: tasmota, url: "http://10.250.0.5", hold: 10m }`,
      'wd.yaml:5:61: targets[0].power.hold: tasmota hold must be between 200ms and 6m (got "10m")',
    ],
    [
      `${BASE}maintenance: { windows: [{ start: "25:00", end: "01:00" }] }`,
      'wd.yaml:5:35: maintenance.windows[0].start: HH:MM, 24-hour (got "25:00")',
    ],
  ])('reports %#', (yaml, fragment) => {
    const out = problems(yaml).join('\n');
    expect(out).toContain(fragment);
  });
});
