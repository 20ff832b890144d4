// ACME DNS-01 for the Compose proxy (site.acme): the Caddyfile serves lego's files, caddy validate accepts it with a
// stand-in pair, lego's command lines and provider names are what Debian's lego accepts, the renewal units pass
// systemd-analyze verify, the role passes the Ansible tools, and bad values are located errors. No ACME server is
// ever contacted: lego only prints help here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../../test/support/check-site.ts';
import { needTool, requireTool } from '../../../../test/support/tools.ts';
import { ACME_DNS_PROVIDERS, ACME_DNS_TOKEN_SECRET, ACME_SERVERS } from '../../../catalog/acme.ts';
import { checkDir } from '../../../check/check-dir.ts';
import { ansibleLint } from '../../../check/validators/ansible-lint.ts';
import { ansiblePlaybookSyntax } from '../../../check/validators/ansible-playbook-syntax.ts';
import { caddyValidate } from '../../../check/validators/caddy.ts';
import { yamllint } from '../../../check/validators/yamllint.ts';
import { formatLocation } from '../../../kernel/diagnostic.ts';
import { renderSite } from '../../../project/render-site.ts';
import { parseSiteSpec } from '../../../project/spec.ts';
import { siteSecrets } from '../../../secrets/catalog.ts';
import type { Site } from '../../../site/types.ts';
import { resolveSite } from '../../index.ts';
import { certificateExpiring } from '../../observability/runbooks/services.ts';
import { composePlays } from '../compose/ansible.ts';
import { composeApps } from '../compose/apps.ts';
import { composeSteps, healthThroughProxy, proxyStep } from '../compose/steps.ts';
import { caddyfilePath, legoCertFiles } from './caddyfile.ts';
import { LEGO_BIN, legoRenewArgs, legoRunArgs, legoUnitPath } from './lego.ts';
import { renderCaddy } from './render.ts';

const SINGLE = readFileSync(new URL('../../../../examples/single/beelab.yaml', import.meta.url), 'utf8');
const ACME = '  acme:\n    email: certs@example.com\n    dnsProvider: cloudflare\n';

function withAcme(acme: string): string {
  const at = SINGLE.indexOf('  timezone: UTC\n');
  if (at < 0) throw new Error('the single example no longer sets site.timezone');
  return `${SINGLE.slice(0, at)}${acme}${SINGLE.slice(at)}`;
}

function siteOf(text: string): Site {
  const parsed = parseSiteSpec(text);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.spec || errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
  return resolveSite(parsed.spec).site;
}

const site = siteOf(withAcme(ACME));
const staging = siteOf(withAcme(`${ACME}    server: staging\n`));
const files = Object.fromEntries(
  renderCaddy(site)
    .entries()
    .map(([p, e]) => [p, e.content]),
);
const names = composeApps(site)
  .filter((a) => a.service.proxied)
  .map((a) => a.service.fqdn!);
const dirs: string[] = [];

afterAll(() => {
  removeSites();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'beelab-acme-'));
  dirs.push(d);
  return d;
}

describe('site.acme in beelab.yaml', () => {
  it('resolves with Let’s Encrypt production by default, staging when asked', () => {
    expect(site.acme).toEqual({
      email: 'certs@example.com',
      dnsProvider: 'cloudflare',
      server: 'production',
    });
    expect(staging.acme?.server).toBe('staging');
  });

  it('an unknown provider, a bad address and an unknown server are located errors, all at once', () => {
    const text = withAcme('  acme:\n    email: certs\n    dnsProvider: cloudflair\n    server: test\n');
    const line = (f: string) => text.split('\n').findIndex((l) => l.includes(f)) + 1;
    const errors = parseSiteSpec(text).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((e) => formatLocation(e.location)).sort()).toEqual(
      [
        `beelab.yaml:${line('email: certs')}:12`,
        `beelab.yaml:${line('dnsProvider:')}:18`,
        `beelab.yaml:${line('server: test')}:13`,
      ].sort(),
    );
    expect(errors.map((e) => e.message).join('\n')).toContain('is not an e-mail address');
  });

  it('the provider token is the issued secret acme-dns-token, and the proxy step gets it', () => {
    const def = siteSecrets(site).find((d) => d.name === ACME_DNS_TOKEN_SECRET)!;
    expect(def).toMatchObject({ kind: 'issued' });
    expect(def.description).toContain('CF_DNS_API_TOKEN');
    expect(def.issuedBy).toContain(`beelab secrets set ${ACME_DNS_TOKEN_SECRET} --from FILE`);
    expect([def.check!(''), def.check!('a b'), def.check!('tok3n')].map(Boolean)).toEqual([
      true,
      true,
      false,
    ]);
    const tree = renderSite(site);
    const proxy = composeSteps(site, tree).find((s) => s.id === proxyStep('apps'))!;
    expect(proxy.secrets).toEqual([ACME_DNS_TOKEN_SECRET]);
    for (const p of [legoUnitPath('apps', 'service'), legoUnitPath('apps', 'timer'), caddyfilePath('apps')])
      expect(proxy.inputs).toContain(p);
    expect(siteSecrets(siteOf(SINGLE)).map((d) => d.name)).not.toContain(ACME_DNS_TOKEN_SECRET);
  });
});

describe('the Caddyfile and the play with ACME', () => {
  it('each name is served from the certificate lego obtained for it; no internal CA', () => {
    const text = files[caddyfilePath('apps')]!;
    expect(text).not.toContain('tls internal');
    expect(text).not.toContain('pki');
    for (const n of names) expect(text).toContain(`\ttls ${legoCertFiles(n).crt} ${legoCertFiles(n).key}\n`);
  });

  it('the caddy role gets, per host, each name with the lego run that obtains it', () => {
    const play = composePlays(site)[0]!;
    expect(play.roles).toEqual([
      'docker',
      {
        role: 'caddy',
        vars: {
          caddy_acme: {
            provider: 'cloudflare',
            token_var: 'CF_DNS_API_TOKEN',
            certificates: { apps: names.map((name) => ({ name, run: legoRunArgs(site.acme!, name) })) },
          },
        },
      },
    ]);
    expect(composePlays(siteOf(SINGLE))[0]!.roles).toEqual(['docker', 'caddy']);
  });

  it('the certificate runbook points at the lego renewal, not at Caddy', () => {
    const text = JSON.stringify(certificateExpiring(site).sections);
    expect(text).toContain('systemctl start beelab-lego-renew.service');
    expect(JSON.stringify(certificateExpiring(siteOf(SINGLE)).sections)).toContain('journalctl -u caddy');
  });

  it('the health check trusts the public roots (staging: the chain is not checked), not an exported root', () => {
    const a = composeApps(site).find((x) => x.service.health && x.service.proxied)!;
    expect(healthThroughProxy(a, site.acme)).not.toMatch(/--cacert|--insecure/);
    expect(healthThroughProxy(a, staging.acme)).toContain('--insecure');
    expect(healthThroughProxy(a)).toContain('--cacert');
  });
});

describe.runIf(needTool('caddy', 'apt-get install caddy') && needTool('openssl', 'apt-get install openssl'))(
  'caddy validate with ACME',
  () => {
    it('accepts the Caddyfile, lego’s files replaced by a stand-in pair, with no warning', async () => {
      const r = await checkWith(caddyValidate, files);
      expect(where(r)).toEqual([]);
      expect(r.status).toBe('passed');
    });

    it('a planted error is still caught at its line (the copy keeps the lines)', async () => {
      const path = caddyfilePath('apps');
      const f = { [path]: files[path]!.replace('\treverse_proxy', '\treverse_proxi') };
      const line = f[path]!.split('\n').findIndex((l) => l.includes('reverse_proxi')) + 1;
      const r = await checkWith(caddyValidate, f);
      expect(where(r)).toEqual([`${path}:${line}: error caddy`]);
    });
  },
);

describe.runIf(needTool('lego', 'apt-get install lego'))(
  'Debian’s lego accepts what the role and units run',
  () => {
    const lego = (args: string[]) =>
      spawnSync('lego', args, { encoding: 'utf8', env: { PATH: process.env.PATH } });

    it.each(Object.entries(ACME_DNS_PROVIDERS))('provider %s exists and reads %o', (code, p) => {
      const r = lego(['dnshelp', '-c', code]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Code:   '${code}'`);
      expect(r.stdout).toMatch(new RegExp(`"${p.tokenVar}":`));
    });

    it('an unknown provider is refused (the check above can fail)', () => {
      expect(lego(['dnshelp', '-c', 'cloudflair']).status).not.toBe(0);
    });

    it('the run and renew command lines parse (shown help, nothing sent), a wrong flag does not', () => {
      for (const s of [site, staging]) {
        const run = lego([...legoRunArgs(s.acme!, names[0]!), '--help']);
        expect(run.status, run.stderr).toBe(0);
        expect(run.stdout).toContain('lego run - ');
        const renew = lego([...legoRenewArgs(s.acme!, names[0]!), '--help']);
        expect(renew.status, renew.stderr).toBe(0);
        expect(renew.stdout).toContain('lego renew - ');
      }
      expect(legoRunArgs(staging.acme!, 'x')).toContain(ACME_SERVERS.staging);
      expect(lego(['--accept-tos', '--dns-provider', 'cloudflare', 'run', '--help']).status).not.toBe(0);
    });

    it('the renewal units pass systemd-analyze verify; the service renews each name 30 days ahead', (ctx) => {
      requireTool(ctx, 'systemd-analyze', 'apt-get install systemd');
      const service = files[legoUnitPath('apps', 'service')]!;
      const execs = service.split('\n').filter((l) => l.startsWith('ExecStart='));
      expect(execs).toEqual(
        names.map((n) => `ExecStart=${LEGO_BIN} ${legoRenewArgs(site.acme!, n).join(' ')}`),
      );
      expect(files[legoUnitPath('apps', 'timer')]).toMatch(/RandomizedDelaySec=1h\n/);
      const dir = tempDir();
      const units = ['service', 'timer'].map((k) => {
        const p = join(dir, `beelab-lego-renew.${k}`);
        writeFileSync(p, files[legoUnitPath('apps', k as 'service' | 'timer')]!);
        return p;
      });
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...units], { encoding: 'utf8' });
      const ours = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('beelab-lego-renew'));
      expect(ours).toEqual([]);
      expect(r.status).toBe(0);
    });
  },
);

describe('the real Ansible tools on the caddy role with ACME', () => {
  it('ansible-playbook --syntax-check, ansible-lint (production profile), yamllint: no finding', async (ctx) => {
    requireTool(ctx, 'ansible-playbook', 'apt-get install ansible');
    requireTool(ctx, 'ansible-lint', 'apt-get install ansible-lint');
    requireTool(ctx, 'yamllint', 'apt-get install yamllint');
    const dir = tempDir();
    for (const [path, f] of renderSite(site).entries()) {
      if (!path.startsWith('ansible/') && !path.startsWith('compose/')) continue;
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), f.content, { mode: f.mode });
    }
    const report = await checkDir(dir, { validators: [ansiblePlaybookSyntax, ansibleLint, yamllint] });
    for (const r of report.results) {
      expect(r.status, `${r.id}: ${JSON.stringify(r.diagnostics, null, 1)}`).toBe('passed');
      expect(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message)).toEqual([]);
    }
    // The role's tasks name lego's files the way the Caddyfile does.
    const acme = readFileSync(join(dir, 'ansible/roles/caddy/tasks/acme.yml'), 'utf8');
    expect(acme).toContain('creates: "{{ caddy_lego_path }}/certificates/{{ item.name }}.crt"');
    expect(acme).toMatch(/no_log: true/);
  }, 300_000);
});
