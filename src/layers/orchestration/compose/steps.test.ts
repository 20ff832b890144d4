// Deploying the compose apps: the playbook's plays and roles, the apply steps (proxy first, then each app with
// its secrets), and the verification through the proxy.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { needTool } from '../../../../test/support/tools.ts';
import { renderSite } from '../../../project/render-site.ts';
import { siteSecrets } from '../../../secrets/catalog.ts';
import { PHYSICAL_STEPS } from '../../physical/steps.ts';
import { describeExecutor } from '../../step.ts';
import { ORCHESTRATION_PLAYBOOK } from '../playbook.ts';
import { composeApps } from './apps.ts';
import { appStep, composeSteps, healthThroughProxy, proxyStep, rootCertPath } from './steps.ts';

const site = exampleSite('reference');
const files = renderSite(site);
const steps = composeSteps(site, files);
const apps = composeApps(site);

interface Play {
  name: string;
  hosts: string;
  tags: string[];
  roles: (string | { role: string; vars: Record<string, unknown> })[];
}

describe('the orchestration playbook', () => {
  // the compose part's plays; the k3s part's come before them in the same playbook
  const plays = (parse(files.get(ORCHESTRATION_PLAYBOOK)!.content) as Play[]).filter((p) =>
    p.tags.some((t) => t === 'docker' || t === 'apps'),
  );

  it('installs Docker and Caddy on the compose host, then runs one play per app, each with its own tag', () => {
    expect(plays[0]).toMatchObject({ hosts: 'apps', tags: ['docker', 'proxy'], roles: ['docker', 'caddy'] });
    expect(plays.slice(1).map((p) => p.tags)).toEqual(apps.map((a) => ['apps', `app-${a.app.name}`]));
    for (const r of ['docker', 'caddy', 'compose_app'])
      expect(files.has(`ansible/roles/${r}/tasks/main.yml`)).toBe(true);
  });

  it("hands each app its data directories (with the owner a rootless image needs) and its secrets' names", () => {
    const vars = (name: string) =>
      (plays.find((p) => p.tags.includes(`app-${name}`))!.roles[0] as { vars: Record<string, unknown> }).vars;
    expect(vars('immich')).toEqual({
      compose_app_name: 'immich',
      compose_app_dirs: [{ name: 'library' }, { name: 'model-cache' }, { name: 'postgres' }],
      compose_app_secrets: [{ var: 'DB_PASSWORD', secret: 'immich-db-password' }],
    });
    expect(vars('forgejo').compose_app_dirs).toEqual([
      { name: 'data', owner: 1000 },
      { name: 'config', owner: 1000 },
    ]);
  });

  it('a site without compose apps still gets a playbook Ansible accepts, and no roles', () => {
    const none = { ...site, services: site.services.filter((s) => s.kind !== 'app') };
    const tree = renderSite(none);
    const left = parse(tree.get(ORCHESTRATION_PLAYBOOK)!.content) as Play[];
    expect(left.length).toBeGreaterThan(0); // the k3s plays
    expect(left.filter((p) => p.tags.some((t) => ['docker', 'proxy', 'apps'].includes(t)))).toEqual([]);
    expect(tree.has('ansible/roles/compose_app/tasks/main.yml')).toBe(false);
    // and with no k3s cluster either, one play that says so (site.yml imports the playbook always)
    const empty = renderSite({ ...none, devops: { ...site.devops, servers: [], agents: [] } });
    expect(parse(empty.get(ORCHESTRATION_PLAYBOOK)!.content)).toEqual([
      {
        name: 'Orchestration: nothing to configure on this site (no k3s cluster, no Compose host)',
        hosts: 'localhost',
        gather_facts: false,
        tasks: [],
      },
    ]);
  });
});

describe('compose apply steps', () => {
  it('the proxy after the Debian base, every app after the proxy: pull and up -d through its play', () => {
    expect(steps.map((s) => s.id)).toEqual([proxyStep('apps'), ...apps.map((a) => appStep(a.app.name))]);
    expect(steps[0]!.after).toEqual([PHYSICAL_STEPS.base]);
    expect(steps[0]!.verify).toEqual({
      kind: 'tcp',
      host: site.hosts.find((h) => h.name === 'apps')!.address,
      port: 443,
    });
    for (const s of steps.slice(1)) {
      expect(s.after).toEqual([proxyStep('apps')]);
      expect(s.rebuild).toEqual({ phase: 'app' });
      expect(describeExecutor(s.run)).toBe(
        `env ANSIBLE_CONFIG=ansible/ansible.cfg ansible-playbook -i ansible/inventory.yml ${ORCHESTRATION_PLAYBOOK} --limit apps --tags app-${s.id.split('/')[2]}`,
      );
    }
  });

  it("each app step reads its compose.yaml and its role, and is handed exactly its app's secrets", () => {
    const immich = steps.find((s) => s.id === appStep('immich'))!;
    expect(immich.inputs).toContain('compose/apps/immich/compose.yaml');
    expect(immich.inputs).toContain('ansible/roles/compose_app/tasks/main.yml');
    expect(immich.inputs).not.toContain('compose/apps/vaultwarden/compose.yaml');
    expect(immich.secrets).toEqual(['immich-db-password']);
    expect(steps.find((s) => s.id === appStep('vaultwarden'))!.secrets).toBeUndefined();
    expect(steps[0]!.inputs).toContain('compose/apps/Caddyfile');
    // Every secret a step asks for is one `beelab apply` generates.
    const generated = new Set(siteSecrets(site).map((d) => d.name));
    for (const s of steps) for (const name of s.secrets ?? []) expect(generated.has(name), name).toBe(true);
    expect([...generated].filter((n) => n.startsWith('paperless-ngx-')).sort()).toEqual([
      'paperless-ngx-db-password',
      'paperless-ngx-secret-key',
    ]);
  });

  it('verifies the health URL through the proxy, by name at the host, trusting only the exported root', () => {
    const paperless = apps.find((a) => a.app.name === 'paperless-ngx')!;
    const script = healthThroughProxy(paperless);
    expect(script).toContain(`--cacert ${rootCertPath('apps')}`);
    expect(script).toContain(`--resolve docs.lab.example.com:443:${paperless.host.address}`);
    expect(script).toContain('https://docs.lab.example.com/api/');
    // paperless answers 401 to an anonymous API call: that is its healthy answer.
    expect(script).toContain('[ "$code" = 401 ] && exit 0');
    expect(steps.find((s) => s.id === appStep('paperless-ngx'))!.verify).toEqual({ kind: 'shell', script });
  });

  it.runIf(needTool('shellcheck', 'apt-get install shellcheck'))(
    'every verify script passes shellcheck',
    () => {
      for (const s of steps.filter((x) => x.verify?.kind === 'shell')) {
        const script = (s.verify as { script: string }).script;
        execFileSync('shellcheck', ['-s', 'bash', '-'], { input: script, encoding: 'utf8' });
      }
    },
  );
});
