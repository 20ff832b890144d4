import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../test/support/check-site.ts';
import { needTool } from '../../../test/support/tools.ts';
import { dockerCompose, projects } from './docker-compose.ts';

afterAll(removeSites);

const GOOD = `services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
    restart: unless-stopped
`;

describe('docker-compose projects', () => {
  it('merges an override with the base file of its directory; other compose files run alone', () => {
    expect(
      projects([
        'apps/a/docker-compose.yml',
        'apps/a/docker-compose.override.yml',
        'apps/b/compose.yaml',
        'apps/c/docker-compose.prod.yml',
        'apps/d/docker-compose.override.yml',
      ]),
    ).toEqual([
      ['apps/a/docker-compose.yml', 'apps/a/docker-compose.override.yml'],
      ['apps/b/compose.yaml'],
      ['apps/c/docker-compose.prod.yml'],
      ['apps/d/docker-compose.override.yml'],
    ]);
  });

  it('applies to compose file names only', () => {
    const files = ['apps/a/docker-compose.yml', 'apps/b/compose.yaml', 'k8s/deploy.yaml', 'composer.yml'];
    expect(dockerCompose.applies(files, undefined as never)).toEqual([
      'apps/a/docker-compose.yml',
      'apps/b/compose.yaml',
    ]);
  });
});

describe.runIf(needTool('docker-compose', 'apt-get install docker-compose'))(
  'docker-compose validator',
  () => {
    it('passes a valid file, with an override merged in', async () => {
      const r = await checkWith(dockerCompose, {
        'apps/web/docker-compose.yml': GOOD,
        'apps/web/docker-compose.override.yml': 'services:\n  web:\n    environment:\n      TZ: UTC\n',
      });
      expect(r.status).toBe('passed');
      expect(r.files).toBe(2);
      expect(r.diagnostics).toEqual([]);
    });

    it('fails an unknown option and a wrong type, each at the line of its key', async () => {
      const bad = GOOD.replace('    ports:\n      - "8080:80"\n', '    ports: 8080\n    bogus: 1\n');
      const r = await checkWith(dockerCompose, { 'apps/web/docker-compose.yml': bad });
      expect(r.status).toBe('failed');
      expect(r.diagnostics.map((d) => [d.location?.line, d.location?.col, d.message])).toEqual([
        [4, 5, 'services.web.ports contains an invalid type, it should be an array'],
        [5, 5, "Unsupported config option for services.web: 'bogus'"],
      ]);
      expect(r.diagnostics.every((d) => d.location?.file === 'apps/web/docker-compose.yml')).toBe(true);
    });

    it('fails a dependency on an undefined service and a top-level key 1.29 does not know', async () => {
      const r = await checkWith(dockerCompose, {
        'a/compose.yaml': `${GOOD}    depends_on: [db]\n`,
        'b/compose.yaml': `name: lab\n${GOOD}`,
      });
      expect(where(r)).toEqual([
        'a/compose.yaml:7:5 error docker-compose',
        'b/compose.yaml:1:1 error docker-compose',
      ]);
    });

    it('fails a YAML syntax error at the position compose names', async () => {
      const r = await checkWith(dockerCompose, { 'apps/x/docker-compose.yml': 'services:\n  web: [\n' });
      expect(r.status).toBe('failed');
      expect(where(r)).toEqual(['apps/x/docker-compose.yml:3:1 error docker-compose']);
      expect(r.diagnostics[0]!.message).toMatch(/^YAML: /);
    });

    it('warns about an unset variable at the line that uses it', async () => {
      const r = await checkWith(dockerCompose, {
        'apps/web/docker-compose.yml': `${GOOD}    environment:\n      DB_PASSWORD: \${BEELAB_TEST_UNSET_VAR}\n`,
      });
      expect(r.status).toBe('passed');
      expect(where(r)).toEqual(['apps/web/docker-compose.yml:8:20 warning docker-compose']);
      expect(r.diagnostics[0]!.message).toBe(
        'variable BEELAB_TEST_UNSET_VAR is not set; compose substitutes an empty string',
      );
    });
  },
);
