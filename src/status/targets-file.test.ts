// `--targets FILE` through the kernel loader: entries become targets; mistakes are located at file:line:col.
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { parseTargetsFile } from './targets-file.ts';

function report(text: string): string[] {
  try {
    parseTargetsFile(text, 't.yaml');
    return [];
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return [err.message, ...err.details];
  }
}

describe('status targets file', () => {
  it('turns each entry into a named probe', () => {
    expect(
      parseTargetsFile(
        '- { name: nas, kind: tcp, host: 10.0.0.5, port: 22 }\n- { name: web, group: svc, kind: http, url: "http://10.0.0.6/" }\n',
        't.yaml',
      ),
    ).toEqual([
      { name: 'nas', group: undefined, probe: { kind: 'tcp', host: '10.0.0.5', port: 22 } },
      { name: 'web', group: 'svc', probe: { kind: 'http', url: 'http://10.0.0.6/' } },
    ]);
  });

  it('locates every mistake at once', () => {
    expect(
      report(
        '- { name: a, kind: tcp, host: h }\n- { kind: icmp, host: h }\n- { name: c, kind: smtp, host: h }\n- { name: d, kind: icmp, host: h, prot: 1 }\n',
      ),
    ).toEqual([
      't.yaml: 4 problems in the status targets',
      '  t.yaml:1:3: [0].port: missing required key "port"; add it (number)',
      '  t.yaml:2:3: [1].name: missing required key "name"; add it (string)',
      '  t.yaml:3:20: [2].kind: unknown kind (got "smtp"); use one of "icmp", "tcp", "http", "tls"',
      '  t.yaml:4:35: [3].prot: unknown key "prot"; did you mean "port"?',
    ]);
    expect(report('nas: { kind: icmp }\n')[1]).toBe(
      '  t.yaml:1:1: (top level): expected a YAML list of targets, e.g. - { name: nas, kind: tcp, host: 10.0.0.5, port: 22 }',
    );
    expect(report('- { name: a, kind: icmp, host: [\n')[0]).toBe('t.yaml is not valid YAML');
  });
});
