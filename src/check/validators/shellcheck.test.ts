import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, makeSite, removeSites, where } from '../../../test/support/check-site.ts';
import { needTool } from '../../../test/support/tools.ts';
import { createFileSource } from '../file-source.ts';
import { shellcheck } from './shellcheck.ts';

afterAll(removeSites);

const GOOD = '#!/usr/bin/env bash\nset -euo pipefail\necho "node: $1"\n';

describe('shellcheck file selection', () => {
  it('takes *.sh, *.bash and extensionless files with a shell shebang', () => {
    const dir = makeSite({
      'scripts/a.sh': 'echo a\n',
      'scripts/b.bash': 'echo b\n',
      'bin/watchdog-restart': GOOD,
      'bin/posix': '#!/bin/sh\necho hi\n',
      'bin/tool.py': '#!/bin/bash\n',
      'bin/python-tool': '#!/usr/bin/env python3\nprint(1)\n',
      README: 'plain text\n',
    });
    const files = [
      'README',
      'bin/posix',
      'bin/python-tool',
      'bin/tool.py',
      'bin/watchdog-restart',
      'scripts/a.sh',
    ];
    files.push('scripts/b.bash');
    expect(shellcheck.applies(files, createFileSource(dir))).toEqual([
      'bin/posix',
      'bin/watchdog-restart',
      'scripts/a.sh',
      'scripts/b.bash',
    ]);
  });
});

describe.runIf(needTool('shellcheck', 'apt-get install shellcheck'))('shellcheck validator', () => {
  it('passes clean scripts', async () => {
    const r = await checkWith(shellcheck, { 'bin/restart-node': GOOD, 'scripts/backup.sh': GOOD });
    expect(r.status).toBe('passed');
    expect(r.files).toBe(2);
    expect(r.diagnostics).toEqual([]);
  });

  it('fails a parse error at its file:line:col', async () => {
    const r = await checkWith(shellcheck, {
      'scripts/broken.sh': '#!/bin/bash\nif [ -z "$X" ]; then\n  echo (\nfi\n',
    });
    expect(r.status).toBe('failed');
    expect(where(r)).toContain('scripts/broken.sh:3:8 error shellcheck/SC1036');
  });

  it('keeps infos (unquoted expansions) without failing', async () => {
    const r = await checkWith(shellcheck, { 'bin/tool': '#!/bin/sh\necho $1\n' });
    expect(where(r)).toEqual(['bin/tool:2:6 info shellcheck/SC2086']);
    expect(r.status).toBe('passed');
  });

  it('a warning alone does not fail', async () => {
    const r = await checkWith(shellcheck, { 'scripts/w.sh': '#!/bin/bash\ncd /srv\nls\n' });
    expect(where(r)).toEqual(['scripts/w.sh:2:1 warning shellcheck/SC2164']);
    expect(r.status).toBe('passed');
  });
});
