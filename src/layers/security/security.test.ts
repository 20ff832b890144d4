// The security node: the Wazuh single-node Compose project (accepted by docker-compose 1.29 and the Compose
// specification schema, every image pinned by digest from the versions catalog), the agents' playbook (manager
// address from the Site, version of the manager, file integrity paths by role), its secrets and its apply step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkWith, removeSites } from '../../../test/support/check-site.ts';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { requireTool } from '../../../test/support/tools.ts';
import { parseImageRef } from '../../catalog/versions.ts';
import { ansiblePlaybookSyntax } from '../../check/validators/ansible-playbook-syntax.ts';
import { dockerCompose } from '../../check/validators/docker-compose.ts';
import { jsonSchemaValidator } from '../../check/validators/json-schema.ts';
import { renderSite } from '../../project/render-site.ts';
import { siteSecrets } from '../../secrets/catalog.ts';
import { FIM_BASE, fimPaths, roleAgents } from './agents.ts';
import { SECURITY_PLAYBOOK } from './ansible.ts';
import { securitySteps, TPOT_STEP, WAZUH_SECRETS, WAZUH_STEP } from './steps.ts';
import { WAZUH_CERTS_COMPOSE, WAZUH_COMPOSE } from './wazuh/compose.ts';

afterAll(removeSites);

const REFERENCE = join(import.meta.dirname, '../../../test/reference');
const composeSpec = JSON.parse(readFileSync(join(REFERENCE, 'compose/compose-spec.json'), 'utf8')) as object;

describe('reference build: the Wazuh manager', () => {
  const site = exampleSite('reference');
  const files = renderSite(site);
  const text = (p: string) => files.get(p)!.content;
  const project = Object.fromEntries(
    files
      .entries()
      .filter(([p]) => p.startsWith('security/wazuh/'))
      .map(([p, f]) => [p, f.content]),
  );

  it('pins every image by digest, from the versions catalog', () => {
    for (const path of [WAZUH_COMPOSE, WAZUH_CERTS_COMPOSE]) {
      const services = Object.values(parse(text(path)).services) as { image: string }[];
      for (const s of services) {
        expect(parseImageRef(s.image), s.image).toBeDefined();
        expect(Object.values(site.versions.images)).toContain(s.image);
      }
    }
  });

  it('publishes exactly the ports the catalog opens on the security node, and keeps the indexer private', () => {
    const c = parse(text(WAZUH_COMPOSE));
    const published = Object.values(c.services as Record<string, { ports?: string[] }>)
      .flatMap((s) => s.ports ?? [])
      .map((p) => Number(p.split(':')[0]))
      .sort((a, b) => a - b);
    const node = site.observability.securityNode!;
    const catalog = site.services
      .filter((s) => s.name.startsWith('wazuh') && s.hosts.includes(node))
      .flatMap((s) => s.ports.map((p) => p.port))
      .sort((a, b) => a - b);
    expect(published).toEqual(catalog);
    expect(c.services['wazuh.indexer'].ports).toBeUndefined();
    // Passwords come from the environment at `up`, never from the file.
    expect(c.services['wazuh.manager'].environment.INDEXER_PASSWORD).toBeNull();
    expect(text(WAZUH_COMPOSE)).not.toMatch(/SecretPassword|MyS3cr37P450r/);
  });

  it('docker-compose config -q accepts both projects', async (ctx) => {
    requireTool(ctx, 'docker-compose', 'apt-get install docker-compose');
    const r = await checkWith(dockerCompose, project);
    expect(r.diagnostics).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.files).toBe(2);
  }, 60_000);

  it('the Compose specification schema accepts both projects', async () => {
    const v = jsonSchemaValidator({
      id: 'schema-compose',
      title: 'Compose files (compose-spec)',
      rules: [{ files: 'security/wazuh/compose*.y*ml', schema: composeSpec }],
    });
    const r = await checkWith(v, project);
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toBe(2);
  });
});

describe('reference build: the agents', () => {
  const site = exampleSite('reference');
  const files = renderSite(site);
  const plays = parse(files.get(SECURITY_PLAYBOOK)!.content) as {
    name: string;
    hosts: string;
    vars?: Record<string, unknown>;
  }[];

  it('enroll with the manager at its Site address, at the manager version, watching what each role changes', () => {
    const manager = site.hosts.find((h) => h.roles.includes('wazuh_manager'))!;
    expect(plays.map((p) => p.hosts)).toEqual([manager.name, 'wazuh_agent:&debian', 'tpot']);
    const vars = plays[1]!.vars!;
    expect(vars.wazuh_agent_manager).toBe(manager.address);
    expect(vars.wazuh_agent_version).toBe('4.12.0-1');
    const fim = vars.wazuh_agent_fim_by_host as Record<string, string[]>;
    expect(Object.keys(fim)).toEqual(roleAgents(site).map((h) => h.name));
    expect(fim.pve1).toEqual(expect.arrayContaining([...FIM_BASE, '/etc/pve', '/etc/nut']));
    expect(fim.pbs1).toContain('/etc/proxmox-backup');
    expect(fim.wd1).toContain('/etc/beelab-watchdog');
    expect(fim.apps).toContain('/opt/beelab');
    // The honeypot and the manager run no agent; Macs and the firewall appliance are not in the role's hosts.
    expect(fim.tpot).toBeUndefined();
    expect(fim[manager.name]).toBeUndefined();
    expect(fim['ai-head']).toBeUndefined();
    expect(fimPaths(site.hosts.find((h) => h.name === 'k3s-s1')!)).toContain('/etc/rancher');
  });

  it('the role pins the repository key by fingerprint and the package by version', () => {
    const defaults = parse(files.get('ansible/roles/wazuh_agent/defaults/main.yml')!.content);
    expect(defaults.wazuh_agent_key_fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(files.get('ansible/roles/wazuh_agent/tasks/main.yml')!.content).toContain(
      'wazuh-agent={{ wazuh_agent_version }}',
    );
  });

  it('the step runs the playbook with the three Wazuh secrets, which the site declares', () => {
    const steps = securitySteps(site, files);
    expect(steps.map((s) => s.id)).toEqual([WAZUH_STEP, TPOT_STEP]);
    expect(steps[0]!.secrets).toEqual(WAZUH_SECRETS);
    const declared = siteSecrets(site).map((s) => s.name);
    for (const s of WAZUH_SECRETS) expect(declared).toContain(s);
    for (const s of WAZUH_SECRETS)
      expect(
        files
          .entries()
          .some(
            ([p, f]) =>
              p.startsWith('ansible/roles/wazuh_') && f.content.includes(s.toUpperCase().replace(/-/g, '_')),
          ),
        s,
      ).toBe(true);
  });

  it('ansible-playbook --syntax-check accepts the playbook', async (ctx) => {
    requireTool(ctx, 'ansible-playbook', 'apt-get install ansible');
    const tree = Object.fromEntries(
      files
        .entries()
        .filter(([p]) => p.startsWith('ansible/'))
        .map(([p, f]) => [p, f.content]),
    );
    const r = await checkWith(ansiblePlaybookSyntax, tree);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.status).toBe('passed');
  }, 120_000);
});

describe('a site without a security node', () => {
  it('renders a playbook with one empty play and no Wazuh files or secrets', () => {
    const site = exampleSite('compact');
    const files = renderSite(site);
    expect(files.entries().filter(([p]) => p.startsWith('security/'))).toEqual([]);
    expect(parse(files.get(SECURITY_PLAYBOOK)!.content)).toHaveLength(1);
    expect(securitySteps(site, files)).toEqual([]);
    expect(siteSecrets(site).map((s) => s.name)).not.toContain('wazuh-enrollment-password');
  });
});
