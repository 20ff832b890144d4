// caddy validate over each Caddyfile: adapts and provisions the config as `caddy run` would, without serving.
// A site with ACME names certificate files lego writes on the host at apply time (`tls <crt> <key>`); caddy
// validate loads them, so here they are stand-ins: a throwaway self-signed pair made with openssl, in a copy
// of the Caddyfile whose lines stay where they were.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { selfSignedArgs } from '../../kernel/openssl.ts';
import { runTool } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { basename, unexplainedFailure } from './util.ts';

const CODE = 'caddy';
/** `Caddyfile:18: unrecognized directive`, `Caddyfile:3 - Error during parsing: …`. */
const AT_LINE = /(?:^|\s)(\S*Caddyfile):(\d+)(?::| -) ?(.*)$/;

export const caddyValidate: Validator = {
  id: 'caddy',
  title: 'Caddyfiles (caddy validate; lego certificate files replaced by a stand-in pair)',
  tool: { command: 'caddy', installHint: 'apt-get install caddy' },
  applies: (files) => files.filter((f) => basename(f) === 'Caddyfile'),
  async run(ctx) {
    const out: Diagnostic[] = [];
    // Provisioning the internal CA writes its keys under the data directory: a throwaway one per run.
    const home = await mkdtemp(join(tmpdir(), 'beelab-caddy-'));
    try {
      const env = { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') };
      let standIn: { crt: string; key: string } | undefined;
      for (const [i, file] of ctx.files.entries()) {
        let config = file;
        const text = await readFile(join(ctx.dir, file), 'utf8');
        if (CERT_FILES.test(text)) {
          standIn ??= await standInPair(ctx, home);
          if (!standIn) {
            out.push({
              code: CODE,
              severity: 'error',
              message:
                'openssl could not make the stand-in certificate the lego certificate files are checked with',
              location: { file },
            });
            continue;
          }
          const pair = standIn;
          config = join(home, `copy-${i}`, 'Caddyfile');
          await mkdir(join(home, `copy-${i}`));
          await writeFile(
            config,
            text.replace(
              new RegExp(CERT_FILES.source, 'gm'),
              (_m, tls: string) => `${tls}${pair.crt} ${pair.key}`,
            ),
          );
        }
        const r = await runTool(ctx, ['validate', '--config', config, '--adapter', 'caddyfile'], { env });
        const found = parseCaddyOutput(file, r.stderr);
        out.push(...found, ...unexplainedFailure(CODE, 'caddy validate', r, found, file));
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
    return out;
  },
};

/** A `tls <certificate> <key>` directive: files on the host (lego's), absent where the check runs. */
const CERT_FILES = /^(\s*tls )(\/\S+\.crt) (\/\S+\.key)$/m;

/** A throwaway self-signed certificate and key in DIR, or undefined when openssl fails. */
async function standInPair(
  ctx: Parameters<typeof runTool>[0],
  dir: string,
): Promise<{ crt: string; key: string } | undefined> {
  const crt = join(dir, 'stand-in.crt');
  const key = join(dir, 'stand-in.key');
  const r = await runTool(
    ctx,
    selfSignedArgs({
      days: 1,
      subject: '/CN=beelab stand-in for the lego certificates',
      keyout: key,
      out: crt,
    }),
    { command: 'openssl' },
  );
  return r.exitCode === 0 ? { crt, key } : undefined;
}

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
