// --answers files: the example builds a valid spec that round-trips; bad files name FILE:LINE:COL for every error.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { specSchema } from '../spec/schema.ts';
import { loadAnswersFile, parseAnswers } from './load-answers.ts';
import { answersToSpec, defaultAnswers, specToAnswers } from './spec-answers.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/answers.yaml', import.meta.url));

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('examples/answers.yaml', () => {
  it('gives a spec that passes the schema and round-trips through specToAnswers', async () => {
    const answers = await loadAnswersFile(EXAMPLE);
    expect(answers).toMatchObject({ tier: 'compact', siteName: 'homelab', aiNodes: 2, backup: 'vm' });
    const spec = answersToSpec(answers);
    expect(specSchema.parse(spec)).toEqual(spec);
    expect(specToAnswers(spec)).toEqual(answers);
    expect(spec.nodes!.map((n) => n.name)).toEqual(['pve1', 'pve2', 'pve3']);
    expect(spec.observability!.alerts).toEqual([
      { type: 'ntfy', target: 'https://ntfy.sh/homelab-alerts-7f3k' },
    ]);
  });
});

describe('answers files', () => {
  it('an empty file takes every default', () => {
    expect(parseAnswers('a.yaml', '')).toEqual(defaultAnswers('reference'));
    expect(parseAnswers('a.yaml', '# nothing\n')).toEqual(defaultAnswers('reference'));
  });

  it('unanswered questions of another tier take that tier’s defaults', () => {
    expect(parseAnswers('a.yaml', 'tier: single\nsiteName: tiny\n')).toEqual({
      ...defaultAnswers('single'),
      siteName: 'tiny',
    });
  });

  it('PBS as a VM turns the tier’s mirror off unless the file asks for one', () => {
    expect(parseAnswers('a.yaml', 'backup: vm\n').backupMirror).toBe(false);
    const err = errorOf(() => parseAnswers('a.yaml', 'backup: vm\nbackupMirror: true\n'));
    expect(err.details.join('\n')).toContain(
      'a.yaml:2:15: backupMirror: a mirror needs PBS on its own machine',
    );
  });

  it.each<[string, string, string[]]>([
    [
      'not YAML (located at the unclosed bracket)',
      'tier: [reference\n',
      ['is not valid YAML', 'a.yaml:1:7: this [ is never closed'],
    ],
    ['an alias without its anchor', 'tier: *t\n', ['a.yaml:1:7: alias *t refers to no anchor']],
    ['an unknown tag', 'tier: !include x\n', ['a.yaml:1:7: YAML: Unresolved tag: !include']],
    ['a NUL byte', 'tier: sin\0gle\n', ['a.yaml:1:10: a.yaml contains a NUL byte']],
    ['a list', '- tier\n', ['must be a map of answers']],
    [
      'unknown key with a suggestion',
      'tier: single\nsitename: x\n',
      ['a.yaml:2:1: sitename: unknown key (did you mean siteName?)'],
    ],
    ['wrong enum', 'siteName: lab\ntier: huge\n', ['a.yaml:2:7: tier: Invalid option', '(got "huge")']],
    ['wrong type', 'computeNodes: two\n', ['a.yaml:1:15: computeNodes: Invalid input: expected number']],
    ['control planes', 'controlPlanes: 2\n', ['a.yaml:1:16: controlPlanes:', '(got 2)']],
    ['nested', 'retention:\n  daily: 7\n  weekly: -1\n  monthly: 3\n', ['a.yaml:3:11: retention.weekly:']],
    [
      'list item',
      'poolDrives:\n  - /dev/disk/by-id/a\n  - 7\n',
      ['a.yaml:3:5: poolDrives[1]: Invalid input: expected string'],
    ],
    [
      'public supernet',
      'tier: compact\nsupernet: 8.8.0.0/16\n',
      ['a.yaml:2:11: supernet: "8.8.0.0/16" is not a private range'],
    ],
    [
      'bad drive id',
      'systemDrive: /dev/sda\n',
      ['a.yaml:1:14: systemDrive: "/dev/sda" is not a stable drive id'],
    ],
    [
      'layout against drives, both positions',
      'poolDrives: [/dev/disk/by-id/a]\nstorageLayout: raidz1\n',
      ['a.yaml:2:16: storageLayout: layout raidz1 needs at least 3 pool drives'],
    ],
    [
      'an error in a default is named as such',
      'poolDrives: [/dev/disk/by-id/a, /dev/disk/by-id/b, /dev/disk/by-id/c]\n',
      ['a.yaml (storageLayout from the defaults): storageLayout: layout mirror pairs drives'],
    ],
  ])('%s', (_, text, fragments) => {
    const err = errorOf(() => parseAnswers('a.yaml', text));
    const all = [err.message, ...err.details].join('\n');
    for (const f of fragments) expect(all).toContain(f);
  });

  it('reports every error at once', () => {
    const err = errorOf(() => parseAnswers('a.yaml', 'siteName: My Lab\ndomain: nope\nsshKey: hello\n'));
    expect(err.message).toBe('a.yaml has 3 bad answers');
    expect(err.details.slice(0, -1).map((l) => l.trim().split(': ')[0])).toEqual([
      'a.yaml:1:11',
      'a.yaml:2:9',
      'a.yaml:3:9',
    ]);
  });

  it('reports shape errors and failed checks together, in file order', () => {
    const err = errorOf(() =>
      parseAnswers(
        'a.yaml',
        'workers: many\nsupernet: 8.8.0.0/16\ntier: compact\nextra: 1\nstorageLayout: raidz2\n',
      ),
    );
    expect(err.message).toBe('a.yaml has 4 bad answers');
    expect(err.details.slice(0, -1).map((l) => l.trim().split(': ').slice(0, 2).join(': '))).toEqual([
      'a.yaml:1:10: workers',
      'a.yaml:2:11: supernet',
      'a.yaml:4:1: extra',
      'a.yaml:5:16: storageLayout',
    ]);
  });

  it('a missing file is a user error naming it', async () => {
    await expect(loadAnswersFile('/nonexistent/answers.yaml')).rejects.toThrow(
      '/nonexistent/answers.yaml not found',
    );
  });
});
