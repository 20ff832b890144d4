import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSite, removeSites } from '../../test/support/check-site.ts';
import { hasTool } from '../../test/support/tools.ts';
import { checkDir } from './check-dir.ts';
import { collectFiles } from './files.ts';
import { formatReport, toJson } from './summary.ts';
import { defaultValidators } from './validators/index.ts';

afterAll(removeSites);

const SITE = {
  'beelab.yaml': 'site: home\n',
  'ansible/inventory.yml':
    'all:\n  children:\n    pve:\n      hosts:\n        pve1:\n          ansible_host: 10.0.0.11\n',
  'ansible/site.yml':
    '- name: Base\n  hosts: pve\n  gather_facts: false\n  tasks:\n    - name: Ping\n      ansible.builtin.ping:\n',
  'observability/prometheus/prometheus.yml': 'global:\n  scrape_interval: 30s\n',
  'observability/alertmanager/alertmanager.yml':
    'route:\n  receiver: default\nreceivers:\n  - name: default\n',
  'apps/web/docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27\n',
  'scripts/backup.sh': '#!/bin/bash\nset -euo pipefail\necho "ok"\n',
  '.git/config': '[core]\n',
  'node_modules/x/a.yml': 'a: [\n',
};

describe('collectFiles', () => {
  it('lists regular files sorted, skipping .git, node_modules, .beelab, top-level overrides/ and symlinks', async () => {
    const dir = makeSite({
      'b.yml': '',
      'a/c.yml': '',
      'a/overrides/d.yml': '',
      'overrides/b.yml.merge.yml': '',
      'node_modules/x/y.yml': '',
      '.beelab/manifest.json': '{}',
      '.github/workflows/ci.yml': '',
    });
    mkdirSync(join(dir, 'empty'));
    symlinkSync(join(dir, 'b.yml'), join(dir, 'link.yml'));
    expect(await collectFiles(dir)).toEqual([
      '.github/workflows/ci.yml',
      'a/c.yml',
      'a/overrides/d.yml',
      'b.yml',
    ]);
  });
});

describe('checkDir', () => {
  it('runs every default validator over a small generated site and passes it', async () => {
    const dir = makeSite(SITE);
    const report = await checkDir(dir, { rules: [] });
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    expect(report.results.map((r) => r.id)).toEqual(['rules', ...defaultValidators().map((v) => v.id)]);
    const targeted = [
      'yamllint',
      'ansible-inventory',
      'ansible-playbook-syntax',
      'ansible-lint',
      'shellcheck',
    ];
    targeted.push('promtool', 'amtool', 'docker-compose');
    for (const v of defaultValidators().filter((d) => targeted.includes(d.id))) {
      // Each has a file to check here; it runs where its tool is installed.
      const expected = v.tool && !hasTool(v.tool.command) ? 'skipped' : 'passed';
      expect([v.id, byId[v.id]!.status]).toEqual([v.id, expected]);
    }
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
    // Every YAML file but beelab.yaml, which Beelab's own parser judges.
    expect(byId.yamllint!.files).toBe(5);
    expect(report.ok).toBe(true);
    expect(formatReport(report)).toMatch(/^check passed: 0 errors, 0 warnings;/m);
    expect(JSON.parse(toJson(report)).ok).toBe(true);
  });

  it('fails the site when one generated file is broken, naming it', async () => {
    const dir = makeSite({
      ...SITE,
      'apps/web/docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27\n    bogus: 1\n',
    });
    const report = await checkDir(dir, {
      validators: defaultValidators().filter((v) => v.id === 'docker-compose'),
    });
    if (!hasTool('docker-compose')) return;
    expect(report.ok).toBe(false);
    expect(formatReport(report)).toContain(
      "  apps/web/docker-compose.yml:4:5: error: Unsupported config option for services.web: 'bogus' [docker-compose]",
    );
  });

  it('runs a layer-contributed validator once even when it is also in the list', async () => {
    const dir = makeSite({ 'a.yml': 'a: 1\n' });
    const extra = defaultValidators().slice(0, 1);
    const report = await checkDir(dir, { validators: extra, extraValidators: extra });
    expect(report.results.map((r) => r.id)).toEqual(['yamllint']);
  });
});
