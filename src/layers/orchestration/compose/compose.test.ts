// The compose apps: every rendered compose.yaml is accepted by the Compose specification's schema and by Debian's
// docker-compose 1.29, pins every image by digest, and carries health checks, limits and pool volumes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkWith, removeSites, where } from '../../../../test/support/check-site.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { needTool } from '../../../../test/support/tools.ts';
import { APP_CATALOG } from '../../../catalog/apps.ts';
import { BUILTIN_VERSIONS, parseImageRef } from '../../../catalog/versions.ts';
import { deployTimeVariables, dockerCompose } from '../../../check/validators/docker-compose.ts';
import { jsonSchemaValidator } from '../../../check/validators/index.ts';
import { parseSiteSpec } from '../../../project/spec.ts';
import type { Site } from '../../../site/types.ts';
import { resolveSite } from '../../index.ts';
import { composeApps } from './apps.ts';
import { renderCompose } from './render.ts';
import { composeRules } from './rules.ts';

afterAll(removeSites);

const REFERENCE = join(import.meta.dirname, '../../../../test/reference');
const composeSpec = JSON.parse(readFileSync(join(REFERENCE, 'compose/compose-spec.json'), 'utf8')) as object;
const schema = jsonSchemaValidator({
  id: 'schema-compose',
  title: 'Compose specification',
  rules: [{ files: 'compose/**/compose.yaml', schema: composeSpec }],
});

const TIERS = ['reference', 'compact', 'single'] as const;

function files(site: Site): Record<string, string> {
  return Object.fromEntries(
    renderCompose(site)
      .entries()
      .map(([p, e]) => [p, e.content]),
  );
}

function lineOf(text: string, what: string): number {
  return text.split('\n').findIndex((l) => l.includes(what)) + 1;
}

const SINGLE = readFileSync(new URL('../../../../examples/single/beelab.yaml', import.meta.url), 'utf8');

/** The single build running the given apps on its compose host. */
function withApps(apps: string[]): Site {
  return siteOf(SINGLE.replace(/^apps:\n( {2}- .*\n)+/m, `apps: [${apps.join(', ')}]\n`));
}

/** Every app whose images Beelab pins. */
const PINNED = APP_CATALOG.filter((a) => a.containers.every((c) => BUILTIN_VERSIONS.images[c.image])).map(
  (a) => a.name,
);

function siteOf(yaml: string): Site {
  const parsed = parseSiteSpec(yaml);
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return resolveSite(parsed.spec!).site;
}

describe('compose projects', () => {
  it.each(TIERS)('%s: one compose.yaml per compose app, under compose/<host>/<app>/', (tier) => {
    const site = exampleSite(tier);
    const apps = composeApps(site);
    expect(apps.length).toBeGreaterThan(0);
    expect(Object.keys(files(site)).sort()).toEqual(
      apps.map((a) => `compose/apps/${a.app.name}/compose.yaml`).sort(),
    );
  });

  it('pins every image by digest, never latest; every catalog image but two is in the versions catalog', () => {
    for (const [key, ref] of Object.entries(BUILTIN_VERSIONS.images)) {
      expect(parseImageRef(ref), key).toBeDefined();
      expect(ref, key).not.toMatch(/:latest@/);
    }
    const needed = APP_CATALOG.flatMap((a) => a.containers.map((c) => c.image));
    expect(needed.filter((k) => !BUILTIN_VERSIONS.images[k]).sort()).toEqual(['opencloud', 'owncloud']);
    for (const [path, text] of Object.entries(files(exampleSite('reference')))) {
      for (const [name, svc] of Object.entries(
        (parse(text) as { services: Record<string, { image: string }> }).services,
      ))
        expect(parseImageRef(svc.image), `${path} ${name}`).toBeDefined();
    }
  });

  it('every container: restart policy, health check, memory and CPU limits, data on the pool, secrets from .env only', () => {
    const site = exampleSite('reference');
    for (const [path, text] of Object.entries(files(site))) {
      const app = path.split('/')[2]!;
      const doc = parse(text) as { services: Record<string, Record<string, unknown>> };
      for (const [name, svc] of Object.entries(doc.services)) {
        const at = `${path} ${name}`;
        expect(svc.restart, at).toBe('unless-stopped');
        expect((svc.healthcheck as { test: string[] }).test.length, at).toBeGreaterThan(1);
        expect(svc.mem_limit, at).toMatch(/^\d+m$/);
        expect(svc.cpus, at).toBeGreaterThan(0);
        for (const v of (svc.volumes as string[] | undefined) ?? [])
          expect(v, at).toMatch(new RegExp(`^/srv/apps/${app}/[a-z-]+:/`));
        for (const value of Object.values((svc.environment as Record<string, string> | undefined) ?? {}))
          if (value.includes('$'))
            expect(value, at).toMatch(/^\$\{[A-Z_]+:\?is written to \.env by beelab apply\}$/);
      }
    }
    // The reference's vaultwarden and paperless: the proxy's URL reaches the app, the database password is one secret.
    const paperless = parse(files(site)['compose/apps/paperless-ngx/compose.yaml']!) as {
      services: Record<string, { environment: Record<string, string>; ports?: string[] }>;
    };
    expect(paperless.services.webserver!.environment.PAPERLESS_URL).toBe('https://docs.lab.example.com');
    expect(paperless.services.webserver!.environment.PAPERLESS_DBPASS).toBe(
      paperless.services.database!.environment.POSTGRES_PASSWORD,
    );
    const apps = site.hosts.find((h) => h.name === 'apps')!;
    expect(paperless.services.webserver!.ports).toEqual([`${apps.address}:8000:8000/tcp`]);
    expect(paperless.services.database!.ports).toBeUndefined();
  });

  it('every app: valid under the Compose specification schema', async () => {
    const r = await checkWith(schema, files(withApps(PINNED)));
    expect(where(r)).toEqual([]);
    expect(r.files).toBe(PINNED.length);
  });

  it.each(TIERS)('%s: every compose.yaml is valid under the Compose specification schema', async (tier) => {
    const r = await checkWith(schema, files(exampleSite(tier)));
    expect(where(r)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.files).toBe(composeApps(exampleSite(tier)).length);
  });

  it('a planted schema error is caught at its file and line', async () => {
    const f = files(exampleSite('single'));
    f['compose/apps/vaultwarden/compose.yaml'] = f['compose/apps/vaultwarden/compose.yaml']!.replace(
      'restart: unless-stopped',
      'restart: unless-stopped\n    reboot: always',
    );
    const r = await checkWith(schema, f);
    expect(r.status).toBe('failed');
    const line = lineOf(f['compose/apps/vaultwarden/compose.yaml']!, 'reboot:');
    expect(where(r)).toEqual([`compose/apps/vaultwarden/compose.yaml:${line}:5 error schema-compose`]);
  });

  it('an app whose image is not pinned is not rendered and is reported at versions.yaml', () => {
    const site = withApps(['vaultwarden', 'owncloud']);
    expect(Object.keys(files(site))).toEqual(['compose/apps/vaultwarden/compose.yaml']);
    const d = composeRules(site);
    expect(d.map((x) => [x.code, x.location?.file])).toEqual([['compose/image-unpinned', 'versions.yaml']]);
    expect(d[0]!.message).toContain('owncloud needs the image owncloud');
    expect(d[0]!.hint).toContain('owncloud: <registry>/<repository>:<tag>@sha256:<digest>');
  });
});

describe('docker-compose and deploy-time variables', () => {
  it('stands in for required variables only when no .env is beside the project', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own variable syntax
    const text = 'x: ${DB_PASSWORD:?set} ${KEY?set} ${OPTIONAL} ${DEFAULTED:-a}\n';
    expect(
      deployTimeVariables({ read: (f) => (f === 'p/compose.yaml' ? text : '') }, ['p/compose.yaml']),
    ).toEqual({
      DB_PASSWORD: 'set-at-deploy-time',
      KEY: 'set-at-deploy-time',
    });
    expect(
      deployTimeVariables({ read: (f) => (f === 'p/.env' ? 'DB_PASSWORD=x\n' : text) }, ['p/compose.yaml']),
    ).toEqual({});
  });
});

describe.runIf(needTool('docker-compose', 'apt-get install docker-compose'))('docker-compose 1.29', () => {
  // The tiers share the catalog's projects (only addresses differ): one site with every pinned app stands for all.
  it('docker-compose config -q accepts the compose.yaml of every app, with no warning', async () => {
    const f = files(withApps(PINNED));
    expect(Object.keys(f).length).toBe(9);
    const r = await checkWith(dockerCompose, f);
    expect(where(r)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.files).toBe(Object.keys(f).length);
  }, 120_000);

  it('a planted error is caught at its file and line', async () => {
    const f = files(exampleSite('single'));
    f['compose/apps/vaultwarden/compose.yaml'] = f['compose/apps/vaultwarden/compose.yaml']!.replace(
      'restart: unless-stopped',
      'restart: unless-stopped\n    reboot: always',
    );
    const r = await checkWith(dockerCompose, f);
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual([
      expect.stringMatching(/^compose\/apps\/vaultwarden\/compose\.yaml:\d+:\d+ error docker-compose$/),
    ]);
    expect(r.diagnostics[0]!.location?.line).toBe(
      lineOf(f['compose/apps/vaultwarden/compose.yaml']!, 'reboot:'),
    );
    expect(r.diagnostics[0]!.message).toContain("Unsupported config option for services.server: 'reboot'");
  }, 60_000);
});
