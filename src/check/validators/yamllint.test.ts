import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../test/support/check-site.ts';
import { needTool } from '../../../test/support/tools.ts';
import { yamllint } from './yamllint.ts';

afterAll(removeSites);

describe('yamllint file selection', () => {
  it('takes every YAML file except the Go templates of a Helm chart', () => {
    const files = ['charts/app/Chart.yaml', 'charts/app/templates/deploy.yaml', 'charts/app/values.yaml'];
    files.push('ansible/roles/x/templates/a.yml', 'k8s/app.yml', 'notes.md');
    expect(yamllint.applies(['Chart.yaml', 'templates/a.yaml'], undefined as never)).toEqual(['Chart.yaml']);
    // The user's own files are judged by Beelab's parser (render accepts CRLF, unindented lists, yes/no).
    expect(
      yamllint.applies(
        ['beelab.yaml', 'overrides/x.merge.yaml', 'beelab.lock.yaml', 'a/beelab.yaml'],
        undefined as never,
      ),
    ).toEqual(['beelab.lock.yaml', 'a/beelab.yaml']);
    expect(yamllint.applies(files, undefined as never)).toEqual([
      'charts/app/Chart.yaml',
      'charts/app/values.yaml',
      'ansible/roles/x/templates/a.yml',
      'k8s/app.yml',
    ]);
  });
});

describe.runIf(needTool('yamllint', 'apt-get install yamllint'))('yamllint validator', () => {
  it('passes generated-style YAML: no document start, long lines, `on:` keys, padded flow collections', async () => {
    const r = await checkWith(yamllint, {
      '.github/workflows/ci.yml': 'on:\n  push: {}\njobs: { build: { runs-on: ubuntu-latest } }\n',
      'k8s/app.yaml': `metadata:\n  annotations:\n    key: ${'x'.repeat(300)}\nspec:\n  ports: [ 80, 443 ]\n`,
      'README.md': '# not yaml\n',
    });
    expect(r.status).toBe('passed');
    expect(r.files).toBe(2);
    expect(r.diagnostics).toEqual([]);
  });

  it('fails on duplicate keys and implicit octals, warns on yes/no, with file:line:col', async () => {
    const r = await checkWith(yamllint, {
      'ansible/group_vars/all.yml': 'a: 1\na: 2\nenabled: yes\nmode: 0644\n',
    });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual([
      'ansible/group_vars/all.yml:2:1 error yamllint/key-duplicates',
      'ansible/group_vars/all.yml:3:10 warning yamllint/truthy',
      'ansible/group_vars/all.yml:4:11 error yamllint/octal-values',
    ]);
    expect(r.diagnostics[0]!.message).toContain('duplication of key "a"');
  });

  it('reports a syntax error at its line', async () => {
    const r = await checkWith(yamllint, { 'x.yaml': 'a: [1, 2\nb: 3\n' });
    expect(r.status).toBe('failed');
    expect(where(r)[0]).toMatch(/^x\.yaml:\d+:\d+ error yamllint\/syntax$/);
  });
});
