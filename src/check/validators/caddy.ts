// caddy validate over each Caddyfile: adapts and provisions the config as `caddy run` would, without serving.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { basename, unexplainedFailure } from './util.ts';

const CODE = 'caddy';
/** `Caddyfile:18: unrecognized directive`, `Caddyfile:3 - Error during parsing: …`. */
const AT_LINE = /(?:^|\s)(\S*Caddyfile):(\d+)(?::| -) ?(.*)$/;

export const caddyValidate: Validator = {
  id: 'caddy',
  title: 'Caddyfiles (caddy validate)',
  tool: { command: 'caddy', installHint: 'apt-get install caddy' },
  applies: (files) => files.filter((f) => basename(f) === 'Caddyfile'),
  async run(ctx) {
    const out: Diagnostic[] = [];
    // Provisioning the internal CA writes its keys under the data directory: a throwaway one per run.
    const home = await mkdtemp(join(tmpdir(), 'beelab-caddy-'));
    try {
      const env = { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') };
      for (const file of ctx.files) {
        const r = await runTool(ctx, ['validate', '--config', file, '--adapter', 'caddyfile'], { env });
        const found = parseCaddyOutput(file, r.stderr);
        out.push(...found, ...unexplainedFailure(CODE, 'caddy validate', r, found, file));
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
    return out;
  },
};

/** Caddy's `Error: …` line (located when it names a line) and its warnings (JSON log lines at level warn). */
export function parseCaddyOutput(file: string, stderr: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('{')) {
      let entry: { level?: string; msg?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if (entry.level === 'warn' && entry.msg)
        out.push({ code: CODE, severity: 'warning', message: entry.msg, location: { file } });
      continue;
    }
    if (!line.startsWith('Error: ')) continue;
    const at = AT_LINE.exec(line);
    out.push(
      at
        ? { code: CODE, severity: 'error', message: at[3]!, location: { file, line: Number(at[2]) } }
        : { code: CODE, severity: 'error', message: line.slice('Error: '.length), location: { file } },
    );
  }
  return out;
}
