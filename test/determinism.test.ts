// Same input, same bytes: twice in one process, and in a child process with another cwd, timezone and locale.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { exampleNames, ROOT, renderExample } from './support/examples.ts';

const run = promisify(execFile);

async function digests(name: string): Promise<Record<string, string>> {
  const files = await renderExample(name);
  return Object.fromEntries(
    [...files].map(([p, f]) => [
      p,
      createHash('sha256').update(`${f.layer} ${f.mode} ${f.content}`).digest('hex'),
    ]),
  );
}

it('renders every example to the same bytes twice in one process', async () => {
  for (const name of exampleNames()) {
    const a = await renderExample(name);
    const b = await renderExample(name);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [path, f] of a) expect(b.get(path), `${name}/${path}`).toEqual(f);
  }
});

it('renders the same bytes from another working directory, timezone and locale', async () => {
  const names = exampleNames();
  const cwd = mkdtempSync(join(tmpdir(), 'beelab-cwd-'));
  try {
    const { stdout } = await run(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'test/support/render-digest.ts'), ...names],
      {
        cwd,
        env: { ...process.env, TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const child = JSON.parse(stdout) as Record<string, Record<string, string>>;
    expect(Object.keys(child)).toEqual(names);
    for (const name of names) expect(child[name], name).toEqual(await digests(name));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}, 120_000);
