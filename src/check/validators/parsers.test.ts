// Tool output captured from the real tools (ansible-core 2.14, yamllint 1.29), parsed without running them.
import { describe, expect, it } from 'vitest';
import { parseAnsibleStderr } from './ansible-output.ts';
import { parseYamllint } from './yamllint.ts';

describe('parseAnsibleStderr', () => {
  it('joins warnings ansible wrapped at 80 columns and keeps the YAML message and position', () => {
    const stderr = `[WARNING]:  * Failed to parse /site/ansible/bad.yml with yaml plugin: We
were unable to read either as JSON nor YAML, these are the errors we got from
each: JSON: Expecting value: line 1 column 1 (char 0)  Syntax Error while
loading YAML.   did not find expected key  The error appears to be in
'/site/ansible/bad.yml': line 7, column 8, but may be elsewhere in the
file depending on the exact syntax problem.  The offending line appears to be:
ansible_host: 10.0.0.11        pve2: x        ^ here
[WARNING]: Unable to parse /site/ansible/bad.yml as an inventory source
ERROR! No inventory was parsed, please check your configuration and options.
`;
    expect(parseAnsibleStderr('/site', stderr)).toEqual([
      {
        kind: 'warning',
        text: '* Failed to parse /site/ansible/bad.yml with yaml plugin: did not find expected key',
        location: { file: 'ansible/bad.yml', line: 7, col: 8 },
      },
      { kind: 'warning', text: 'Unable to parse /site/ansible/bad.yml as an inventory source' },
      { kind: 'error', text: 'No inventory was parsed, please check your configuration and options.' },
    ]);
  });

  it('keeps the first paragraph of an ERROR! block and the position from the wrapped tail', () => {
    const stderr = `ERROR! conflicting action statements: ansible.builtin.ping, nosuchkeyword

The error appears to be in '/site/ansible/site.yml': line 4, column 7, but may
be elsewhere in the file depending on the exact syntax problem.

The offending line appears to be:

  tasks:
    - name: ping
      ^ here
`;
    expect(parseAnsibleStderr('/site', stderr)).toEqual([
      {
        kind: 'error',
        text: 'conflicting action statements: ansible.builtin.ping, nosuchkeyword',
        location: { file: 'ansible/site.yml', line: 4, col: 7 },
      },
    ]);
  });

  it('marks deprecation warnings apart from warnings', () => {
    const msgs = parseAnsibleStderr('/site', '[DEPRECATION WARNING]: X is deprecated.\n[WARNING]: Y\n');
    expect(msgs.map((m) => [m.kind, m.text])).toEqual([
      ['deprecation', 'X is deprecated.'],
      ['warning', 'Y'],
    ]);
  });
});

describe('parseYamllint', () => {
  it('reads `-f parsable` lines, relative or absolute, with and without a rule name', () => {
    const out = [
      'bad.yml:2:1: [error] duplication of key "a" in mapping (key-duplicates)',
      '/site/x/y.yaml:3:4: [warning] truthy value should be one of [false, true] (truthy)',
      "syn.yml:2:1: [error] syntax error: expected the node content, but found '<stream end>' (syntax)",
      'not a diagnostic line',
    ].join('\n');
    expect(parseYamllint('/site', out)).toEqual([
      {
        code: 'yamllint/key-duplicates',
        severity: 'error',
        message: 'duplication of key "a" in mapping',
        location: { file: 'bad.yml', line: 2, col: 1 },
      },
      {
        code: 'yamllint/truthy',
        severity: 'warning',
        message: 'truthy value should be one of [false, true]',
        location: { file: 'x/y.yaml', line: 3, col: 4 },
      },
      {
        code: 'yamllint/syntax',
        severity: 'error',
        message: "syntax error: expected the node content, but found '<stream end>'",
        location: { file: 'syn.yml', line: 2, col: 1 },
      },
    ]);
  });
});
