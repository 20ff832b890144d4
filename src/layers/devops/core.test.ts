// The devops layer's files: inventory groups and users, real ansible-inventory, docs that cover every host, flow and drive.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkWith, removeSites } from '../../../test/support/check-site.ts';
import { syntheticSpec } from '../../../test/support/synthetic.ts';
import { requireTool } from '../../../test/support/tools.ts';
import { yamllint } from '../../check/validators/yamllint.ts';
import type { Site } from '../../site/types.ts';
import { tierDefaults } from '../../spec/tiers.ts';
import { renderContext, resolveSite } from '../index.ts';
import { cell, table } from '../markdown.ts';
import { groupName, INVENTORY_PATH, inventoryObject } from './ansible-inventory.ts';
import { renderDevops } from './index.ts';
import { SCHEMA_PATH } from './schema-file.ts';

const sites: Record<string, Site> = {
  reference: resolveSite(tierDefaults('reference')).site,
  compact: resolveSite(tierDefaults('compact')).site,
  single: resolveSite(tierDefaults('single')).site,
  synthetic50: resolveSite(syntheticSpec(50)).site,
};

const dirs: string[] = [];
afterAll(() => {
  removeSites();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function write(site: Site): string {
  const dir = mkdtempSync(join(tmpdir(), 'beelab-core-'));
  dirs.push(dir);
  for (const [path, f] of renderDevops(site, renderContext()).entries()) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), f.content);
  }
  return dir;
}

type Inventory = {
  all: {
    hosts: Record<string, Record<string, unknown>>;
    children: Record<string, { hosts: Record<string, null> }>;
  };
};

describe('ansible/inventory.yml', () => {
  const site = sites.reference!;
  const inv = parse(renderDevops(site, renderContext()).get(INVENTORY_PATH)!.content) as Inventory;
  const members = (g: string) => Object.keys(inv.all.children[g]?.hosts ?? {});

  it('lists every host once with its address, and groups it by every role and layer', () => {
    expect(Object.keys(inv.all.hosts).sort()).toEqual(site.hosts.map((h) => h.name).sort());
    for (const h of site.hosts) {
      expect(inv.all.hosts[h.name]!.ansible_host).toBe(h.address);
      for (const r of h.roles) expect(members(groupName(r))).toContain(h.name);
      for (const l of h.layers) expect(members(`layer_${l}`)).toContain(h.name);
    }
    expect(members('pve').sort()).toEqual(['pve1', 'pve2', 'pve3']);
    expect(members('pve_primary')).toEqual(['pve1']);
    expect(members('talos_controlplane')).toEqual(['talos-cp1', 'talos-cp2', 'talos-cp3']);
    expect(members('watchdog')).toEqual(['wd1', 'wd2']);
    expect(members('layer_physical')).toContain('pbs1');
  });

  it('sets the SSH user per OS and keeps Talos, OPNsense and smart plugs out of the ssh group', () => {
    const user = (h: string) => inv.all.hosts[h]!.ansible_user;
    expect([user('pve1'), user('pbs1'), user('wd1'), user('ai-head'), user('k3s-s1')]).toEqual([
      'root',
      'root',
      'pi',
      'admin',
      'ubuntu',
    ]);
    for (const h of ['talos-cp1', 'talos-w2', 'fw', 'plug-pve']) {
      expect(user(h)).toBeUndefined();
      expect(inv.all.hosts[h]!.beelab_managed_by).toBeTruthy();
      expect(members('no_ssh')).toContain(h);
      expect(members('ssh')).not.toContain(h);
    }
    expect(members('ssh').length + members('no_ssh').length).toBe(site.hosts.length);
    // The single tier's firewall is a Debian VM, which Ansible does manage.
    const single = inventoryObject(sites.single!);
    expect(single.all.hosts!.fw).toMatchObject({ ansible_user: 'debian', beelab_firewall_platform: 'linux' });
  });

  it('maps names that are not Python identifiers to valid group names', () => {
    expect(groupName('ai-head')).toBe('ai_head');
    expect(groupName('9lives')).toBe('_9lives');
  });

  it('writes every map with its keys sorted', () => {
    const unsorted: string[] = [];
    const walk = (v: unknown, path: string) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
      const keys = Object.keys(v);
      if (keys.join('\n') !== [...keys].sort().join('\n')) unsorted.push(path);
      for (const k of keys) walk((v as Record<string, unknown>)[k], `${path}.${k}`);
    };
    walk(inv, '');
    expect(unsorted).toEqual([]);
  });

  for (const [name, s] of Object.entries(sites)) {
    it(`is accepted by ansible-inventory --list with every host and group (${name})`, (ctx) => {
      requireTool(ctx, 'ansible-inventory', 'apt-get install ansible');
      const dir = write(s);
      const out = execFileSync('ansible-inventory', ['-i', INVENTORY_PATH, '--list'], {
        cwd: dir,
        env: { ...process.env, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True', ANSIBLE_INVENTORY_ENABLED: 'yaml' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const listing = JSON.parse(out) as Record<string, { hosts?: string[] }> & {
        _meta: { hostvars: Record<string, Record<string, unknown>> };
      };
      expect(Object.keys(listing._meta.hostvars).sort()).toEqual(s.hosts.map((h) => h.name).sort());
      for (const h of s.hosts) {
        const vars = listing._meta.hostvars[h.name]!;
        expect(vars.ansible_host).toBe(h.address);
        // group_vars/all.yml beside the inventory is read too.
        expect(vars.beelab_domain).toBe(s.domain);
        for (const r of h.roles) expect(listing[groupName(r)]?.hosts).toContain(h.name);
      }
      expect(listing.ungrouped?.hosts ?? []).toEqual([]);
    });
  }
});

describe('docs', () => {
  it('inventory.md lists every host, VLAN, VIP, pool and drive', () => {
    for (const site of Object.values(sites)) {
      const md = renderDevops(site, renderContext()).get('docs/inventory.md')!.content;
      for (const h of site.hosts) {
        expect(md).toContain(`| \`${h.name}\` | ${h.kind} |`);
        expect(md).toContain(`\`${h.address}\``);
        if (h.vm) expect(md).toContain(`${h.vm.node} / ${h.vm.vmid}`);
        for (const d of h.drives) expect(md).toContain(`| \`${h.name}\` | \`${d.id}\` | ${d.role} |`);
      }
      for (const v of site.vlans)
        expect(md).toContain(`| ${v.name} | ${v.id} | ${v.purpose} | \`${v.cidr}\` |`);
      for (const v of site.vips)
        expect(md).toContain(`| ${v.name} | \`${v.fqdn}\` | ${v.vlan} | \`${v.address}\` |`);
      for (const p of site.pools)
        expect(md).toContain(`| ${p.name} | ${p.vlan} | ${p.range[0]} – ${p.range[1]} |`);
    }
  });

  it('flows.md has one row per flow and a VLAN × VLAN summary', () => {
    const site = sites.reference!;
    const md = renderDevops(site, renderContext()).get('docs/flows.md')!.content;
    const matrix = md.slice(md.indexOf('## VLAN × VLAN'), md.indexOf('## Flow matrix'));
    const flowRows = md
      .slice(md.indexOf('## Flow matrix'))
      .split('\n')
      .filter((l) => l.startsWith('| '));
    expect(flowRows.length - 1).toBe(site.flows.length);
    expect(md).toContain(
      '| role `docker` (apps) | nfs | `pve1` (mgmt) | tcp/2049 | NFS export of the tank pool |',
    );
    // Prometheus (servers) scrapes node_exporter on the management hosts; the honeypot VLAN reaches only DNS.
    const row = (zone: string) => matrix.split('\n').find((l) => l.startsWith(`| **${zone}** |`))!;
    expect(row('servers').split(' | ')[1]).toContain('node-exporter');
    expect(row('security')).toBe('| **security** | dns | — | — | — | — |');
    expect(row('tailnet')).toContain('ai-gateway');
  });

  it('README says how the repo is made, how to run it without Beelab and the rebuild order', () => {
    const readme = renderDevops(sites.reference!, renderContext()).get('README.md')!.content;
    for (const s of [
      'beelab.yaml',
      'beelab.lock.yaml',
      'overrides/',
      'ansible-playbook site.yml',
      'ansible-playbook playbooks/physical.yml --tags pve-nodes,pve-cluster,pve-storage',
      'talosctl -n 10.20.20.10',
      'kubectl',
      'docker compose',
      '## Rebuild order',
    ]) {
      expect(readme).toContain(s);
    }
    const single = renderDevops(sites.single!, renderContext()).get('README.md')!.content;
    // The single tier's firewall is a VM: its hypervisor comes first, the playbooks after the network.
    expect(single).toMatch(
      /1\. \*\*Physical\*\*[^\n]*\n2\. \*\*Network\*\* — create the firewall `fw` \(linux, a VM\)[^\n]*\n3\. \*\*Physical, continued\*\* — `ansible-playbook/,
    );
    expect(readme).toMatch(
      /1\. \*\*Network\*\* — install the firewall `fw` \(opnsense\)[^\n]*\n2\. \*\*Physical\*\*/,
    );
    expect(single).not.toContain('### AI');
  });

  it('escapes table cells', () => {
    expect(cell('a|b\nc')).toBe('a\\|b c');
    expect(table(['x'], [['1|2']])).toBe('| x |\n|---|\n| 1\\|2 |');
  });
});

describe('.beelab/beelab.schema.json', () => {
  const shipped = renderDevops(sites.reference!, renderContext()).get(SCHEMA_PATH)!.content;

  it('is the committed JSON Schema of beelab.yaml, byte for byte', () => {
    const committed = readFileSync(new URL('../../../schema/beelab.schema.json', import.meta.url), 'utf8');
    expect(shipped).toBe(committed);
  });

  it('accepts the example specs and rejects a typo, as an editor using it would', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(shipped));
    for (const tier of ['reference', 'compact', 'single']) {
      const text = readFileSync(new URL(`../../../examples/${tier}/beelab.yaml`, import.meta.url), 'utf8');
      expect(validate(parse(text)), `${tier}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ ...tierDefaults('reference'), tier: 'referense' })).toBe(false);
  });
});

it('writes YAML that yamllint accepts with the check config', async (ctx) => {
  requireTool(ctx, 'yamllint', 'apt-get install yamllint');
  for (const site of [sites.reference!, sites.single!, sites.synthetic50!]) {
    const tree = renderDevops(site, renderContext());
    const files = Object.fromEntries(
      tree
        .entries()
        .filter(([p]) => p.endsWith('.yml'))
        .map(([p, f]) => [p, f.content]),
    );
    const result = await checkWith(yamllint, files);
    expect(result.status, JSON.stringify(result.diagnostics)).toBe('passed');
    // inventory.yml, group_vars/all.yml, site.yml, requirements.yml, the Forgejo and GitHub workflows
    expect(result.files).toBe(6);
  }
});
