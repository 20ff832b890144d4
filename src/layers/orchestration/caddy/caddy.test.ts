// The reverse proxy: one Caddyfile per compose host serving every app by name, accepted by `caddy validate`.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, makeSite, removeSites, where } from '../../../../test/support/check-site.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { needTool } from '../../../../test/support/tools.ts';
import { caddyValidate, parseCaddyOutput } from '../../../check/validators/caddy.ts';
import { composeApps } from '../compose/apps.ts';
import { caddyfilePath } from './caddyfile.ts';
import { renderCaddy } from './render.ts';

afterAll(removeSites);

const TIERS = ['reference', 'compact', 'single'] as const;

function files(tier: (typeof TIERS)[number]): Record<string, string> {
  return Object.fromEntries(
    renderCaddy(exampleSite(tier))
      .entries()
      .map(([p, e]) => [p, e.content]),
  );
}

/** The site blocks of a Caddyfile: address → its directives. */
function blocks(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(/^(\S+) \{\n((?:\t.*\n)*?)\}$/gm))
    out.set(
      m[1]!,
      m[2]!
        .trim()
        .split('\n')
        .map((l) => l.trim()),
    );
  return out;
}

describe('Caddyfile', () => {
  it.each(TIERS)(
    '%s: every compose app by its name, TLS from the internal CA, to its published port',
    (tier) => {
      const site = exampleSite(tier);
      const apps = composeApps(site);
      const f = files(tier);
      expect(Object.keys(f)).toEqual([caddyfilePath('apps')]);
      const b = blocks(f[caddyfilePath('apps')]!);
      expect([...b.keys()].sort()).toEqual(apps.map((a) => a.service.fqdn).sort());
      const address = site.hosts.find((h) => h.name === 'apps')!.address;
      for (const a of apps) {
        const web = a.service.ports.find((p) => p.name === a.app.web)!;
        expect(b.get(a.service.fqdn!)).toEqual(['tls internal', `reverse_proxy ${address}:${web.port}`]);
      }
    },
  );

  it('reads caddy errors with their line and warnings without one', () => {
    const stderr = [
      '{"level":"info","ts":1,"msg":"using provided configuration"}',
      '{"level":"warn","ts":1,"msg":"Caddyfile input is not formatted","file":"Caddyfile","line":6}',
      'Error: adapting config using caddyfile: compose/apps/Caddyfile:18: unrecognized directive: reverse_proxi',
    ].join('\n');
    expect(parseCaddyOutput('compose/apps/Caddyfile', stderr)).toEqual([
      {
        code: 'caddy',
        severity: 'warning',
        message: 'Caddyfile input is not formatted',
        location: { file: 'compose/apps/Caddyfile' },
      },
      {
        code: 'caddy',
        severity: 'error',
        message: 'unrecognized directive: reverse_proxi',
        location: { file: 'compose/apps/Caddyfile', line: 18 },
      },
    ]);
  });
});

describe.runIf(needTool('caddy', 'apt-get install caddy'))('caddy', () => {
  it.each(TIERS)('%s: caddy validate accepts the Caddyfile, with no warning', async (tier) => {
    const r = await checkWith(caddyValidate, files(tier));
    expect(where(r)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.files).toBe(1);
  });

  it('the Caddyfile is as caddy fmt writes it', () => {
    const f = files('reference');
    const dir = makeSite(f);
    const formatted = execFileSync('caddy', ['fmt', caddyfilePath('apps')], { cwd: dir, encoding: 'utf8' });
    expect(formatted).toBe(f[caddyfilePath('apps')]);
  });

  it('a planted error is caught at its file and line', async () => {
    const f = files('single');
    const path = caddyfilePath('apps');
    f[path] = f[path]!.replace('\treverse_proxy', '\treverse_proxi');
    const line = f[path]!.split('\n').findIndex((l) => l.includes('reverse_proxi')) + 1;
    const r = await checkWith(caddyValidate, f);
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual([`${path}:${line}: error caddy`]);
    expect(r.diagnostics[0]!.message).toBe('unrecognized directive: reverse_proxi');
  });
});
