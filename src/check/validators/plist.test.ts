import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../test/support/check-site.ts';
import { needTool } from '../../../test/support/tools.ts';
import { toPlist } from '../../tree/serialize/plist.ts';
import { collectFiles } from '../files.ts';
import { runChecks } from '../runner.ts';
import { plistValidator } from './plist.ts';

afterAll(removeSites);

const JOB = {
  Label: 'com.example.server',
  ProgramArguments: ['/usr/local/bin/server', '--port', '8080'],
  EnvironmentVariables: { HOME: '/var/empty' },
  RunAtLoad: true,
  KeepAlive: { SuccessfulExit: false },
  ThrottleInterval: 10,
  ProcessType: 'Interactive',
  SoftResourceLimits: { NumberOfFiles: 65536 },
  StartCalendarInterval: [{ Hour: 3, Minute: 30 }],
  StandardOutPath: '/var/log/server.log',
};

describe('plist file selection', () => {
  it('takes every *.plist', () => {
    expect(
      plistValidator.applies(['a/launchd/x.plist', 'Info.plist', 'plist.txt', 'b/plist'], {
        dir: '/',
        read: () => '',
        firstLine: () => '',
      }),
    ).toEqual(['a/launchd/x.plist', 'Info.plist']);
  });
});

describe.runIf(needTool('python3', 'apt-get install python3'))('plist validator (plistlib)', () => {
  it('passes a launchd job written by toPlist, and a plist that is no job', async () => {
    const r = await checkWith(plistValidator, {
      'macs/a/launchd/com.example.server.plist': toPlist(JOB, { header: 'generated -- do not edit' }),
      'app/Info.plist': toPlist({ CFBundleName: 'x', Ratio: 1 }),
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.files).toBe(2);
  });

  it('fails XML that is not well-formed at its line and column', async () => {
    const good = toPlist(JOB);
    // A closing tag that does not match: what a hand edit or a bad writer leaves.
    const broken = good.replace('<string>Interactive</string>', '<string>Interactive</strin>');
    const lines = broken.split('\n');
    const line = lines.findIndex((l) => l.includes('</strin>')) + 1;
    // expat points at the name of the closing tag.
    const col = lines[line - 1]!.indexOf('</strin>') + 3;
    const r = await checkWith(plistValidator, { 'launchd/com.example.server.plist': broken });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual([`launchd/com.example.server.plist:${line}:${col} error plist/syntax`]);
    expect(r.diagnostics[0]!.message).toBe('not well-formed XML: mismatched tag');
  });

  it('fails an element outside the plist DTD, and a dict key without a value', async () => {
    // RunAtLoad's <true/> gone: its key is followed by the next key.
    const noValue = toPlist(JOB).replace('\t<true/>\n', '');
    const r = await checkWith(plistValidator, {
      'launchd/com.example.a.plist': toPlist(JOB).replace('<integer>10</integer>', '<int>10</int>'),
      'launchd/com.example.b.plist': noValue,
    });
    const keyLine = noValue.split('\n').indexOf('\t<key>KeepAlive</key>') + 1;
    expect(r.status).toBe('failed');
    expect(r.diagnostics.map((d) => `${d.location?.file} ${d.message}`)).toEqual([
      'launchd/com.example.a.plist <int> is not a property list element',
      'launchd/com.example.b.plist unexpected key',
    ]);
    // plistlib names the line of the key that came where a value was due.
    expect(r.diagnostics[1]!.location?.line).toBe(keyLine);
  });

  it('checks the keys of a launchd job, located at the key', async () => {
    const text = toPlist({
      ProgramArguments: ['server'],
      RunAtLaod: true,
      KeepAlive: { SuccessfulExt: false },
      ThrottleInterval: '10',
      EnvironmentVariables: { PORT: 8080 },
      ProcessType: 'Fast',
      StartCalendarInterval: { Hour: 24 },
      StandardOutPath: 'server.log',
    });
    const r = await checkWith(plistValidator, { 'launchd/com.example.server.plist': text });
    expect(r.status).toBe('failed');
    const lineOf = (key: string) => text.split('\n').findIndex((l) => l.includes(`<key>${key}</key>`)) + 1;
    expect(r.diagnostics.map((d) => `${d.location?.line ?? '-'} ${d.severity} ${d.message}`).sort()).toEqual(
      [
        '- error the job has no Label',
        `${lineOf('ProgramArguments')} error the program server is not an absolute path`,
        `${lineOf('RunAtLaod')} warning RunAtLaod is not a launchd key; launchd ignores it`,
        `${lineOf('KeepAlive')} error KeepAlive.SuccessfulExt is not a KeepAlive condition (SuccessfulExit, NetworkState, PathState, OtherJobEnabled, Crashed, AfterInitialDemand)`,
        `${lineOf('ThrottleInterval')} error ThrottleInterval must be an integer, not a string`,
        `${lineOf('EnvironmentVariables')} error EnvironmentVariables.PORT must be a string, not an integer`,
        `${lineOf('ProcessType')} error ProcessType Fast is not one of Background, Standard, Adaptive, Interactive`,
        `${lineOf('StartCalendarInterval')} error StartCalendarInterval.Hour must be an integer from 0 to 23`,
        `${lineOf('StandardOutPath')} error StandardOutPath server.log is not an absolute path`,
      ].sort(),
    );
  });

  it('wants the Label to name the file, and a job something starts', async () => {
    const r = await checkWith(plistValidator, {
      'launchd/com.example.other.plist': toPlist({
        Label: 'com.example.server',
        ProgramArguments: ['/bin/true'],
      }),
    });
    expect(r.diagnostics.map((d) => `${d.severity} ${d.message}`)).toEqual([
      expect.stringMatching(/^warning nothing starts this job/),
      'error Label com.example.server does not match the file name com.example.other.plist',
    ]);
  });
});

describe.runIf(needTool('python3', 'apt-get install python3'))('the plists Beelab renders', () => {
  it('every plist of the golden repositories (Macs: model servers, gateway, runner, node exporter, restic) passes without a finding', async () => {
    const dir = fileURLToPath(new URL('../../../test/golden', import.meta.url));
    const files = (await collectFiles(dir)).filter((f) => f.endsWith('.plist'));
    const kinds = [...new Set(files.map((f) => f.split('/').at(-1)))];
    // At least these (a layer that adds a launchd job adds to the list it is checked in).
    expect(kinds).toEqual(
      expect.arrayContaining([
        'com.beelab.forgejo-runner.plist',
        'com.beelab.gateway.plist',
        'com.beelab.llamacpp.plist',
        'com.beelab.mlx.plist',
        'com.beelab.ollama.plist',
        'com.beelab.ollama-pull.plist',
        'com.beelab.restic.plist',
      ]),
    );
    const report = await runChecks({ dir, files, validators: [plistValidator] });
    expect(report.results[0]!.diagnostics).toEqual([]);
    expect(report.results[0]!.status).toBe('passed');
  });
});
