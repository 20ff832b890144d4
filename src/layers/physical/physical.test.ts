// The physical layer's Ansible: real tools accept it (syntax check, ansible-lint at its production profile,
// yamllint), for every tier; the vars carry the Site; the host firewall covers exactly the flows; the steps.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { requireTool } from '../../../test/support/tools.ts';
import { checkDir } from '../../check/check-dir.ts';
import { ansibleLint } from '../../check/validators/ansible-lint.ts';
import { ansiblePlaybookSyntax } from '../../check/validators/ansible-playbook-syntax.ts';
import { yamllint } from '../../check/validators/yamllint.ts';
import { renderSite } from '../../project/render-site.ts';
import { parseSiteSpec } from '../../project/spec.ts';
import { isDebianFamily } from '../devops/ansible-access.ts';
import { resolveSite } from '../index.ts';
import { cpuVendor, poolVdevs } from './ansible.ts';
import { hostFirewall, hostFirewallExemption, TAILNET_CIDR } from './host-firewall.ts';
import { NUT_SECRET, PHYSICAL_STEPS, physicalSteps } from './steps.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function writeTree(name: 'reference' | 'compact' | 'single'): string {
  const dir = mkdtempSync(join(tmpdir(), `beelab-physical-${name}-`));
  dirs.push(dir);
  for (const [path, f] of renderSite(exampleSite(name)).entries()) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), f.content, { mode: f.mode });
  }
  return dir;
}

describe.each(['reference', 'compact', 'single'] as const)('%s: the real tools', (name) => {
  it('ansible-playbook --syntax-check, ansible-lint (production profile) and yamllint: no finding', async (ctx) => {
    requireTool(ctx, 'ansible-playbook', 'apt-get install ansible');
    requireTool(ctx, 'ansible-lint', 'apt-get install ansible-lint');
    requireTool(ctx, 'yamllint', 'apt-get install yamllint');
    const dir = writeTree(name);
    const report = await checkDir(dir, { validators: [ansiblePlaybookSyntax, ansibleLint, yamllint] });
    for (const r of report.results) {
      expect(r.status, `${r.id}: ${JSON.stringify(r.diagnostics, null, 1)}`).toBe('passed');
      expect(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message)).toEqual([]);
    }
    expect(report.results.find((r) => r.id === 'ansible-playbook-syntax')?.files).toBe(6);
    expect(report.results.find((r) => r.id === 'ansible-lint')?.files).toBeGreaterThan(30);
  }, 120_000);
});

describe('ansible-lint really judges this tree', () => {
  it('a task without a name and a command without changed_when are findings at the production profile', async (ctx) => {
    requireTool(ctx, 'ansible-lint', 'apt-get install ansible-lint');
    const dir = writeTree('single');
    const tasks = join(dir, 'ansible/roles/chrony/tasks/main.yml');
    writeFileSync(tasks, '---\n- ansible.builtin.command: chronyc makestep\n');
    const report = await checkDir(dir, { validators: [ansibleLint] });
    const codes = report.results[0]!.diagnostics.map((d) => d.code);
    expect(codes).toContain('ansible-lint/name[missing]');
    expect(codes).toContain('ansible-lint/no-changed-when');
  }, 120_000);
});

describe('vars from the Site', () => {
  it('pairs mirror drives, keeps raidz whole, and names by-id paths', () => {
    expect(poolVdevs('mirror', ['/a', '/b', '/c', '/d'])).toEqual(['mirror /a /b', 'mirror /c /d']);
    expect(poolVdevs('raidz1', ['/a', '/b', '/c'])).toEqual(['raidz1 /a /b /c']);
    expect(poolVdevs('stripe', ['/a', '/b'])).toEqual(['/a /b']);
    expect(poolVdevs('mirror', [])).toEqual([]);
  });

  it('picks microcode by CPU vendor', () => {
    const site = exampleSite('reference');
    const vendor = (n: string) => cpuVendor(site.hosts.find((h) => h.name === n)!);
    expect(vendor('pve1')).toBe('intel');
    expect(vendor('pbs2')).toBe('amd');
  });

  it('every node gets its pool, its VMs with their VM id and MAC, and the cluster its settings', () => {
    const site = exampleSite('reference');
    const files = renderSite(site);
    const group = parse(files.get('ansible/group_vars/pve.yml')!.content);
    expect(group.pve_primary).toBe('pve1');
    expect(group.pve_nodes.map((n: { name: string }) => n.name)).toEqual(['pve1', 'pve2', 'pve3']);
    expect(group.pve_ha_group).toBe(site.name);
    expect(group.pve_qdevice_address).toBe('');
    const vms = ['pve1', 'pve2', 'pve3'].flatMap(
      (n) =>
        parse(files.get(`ansible/host_vars/${n}.yml`)!.content).pve_vms as { name: string; vmid: number }[],
    );
    for (const h of site.hosts.filter((x) => x.vm)) {
      const vm = vms.find((v) => v.name === h.name)!;
      expect(vm.vmid, h.name).toBe(h.vm!.vmid);
      expect(JSON.stringify(vm)).toContain((h.mac ?? '').toUpperCase());
    }
    const pve1 = parse(files.get('ansible/host_vars/pve1.yml')!.content);
    expect(pve1.pve_pool_vdevs).toEqual([
      `mirror ${site.hosts
        .find((h) => h.name === 'pve1')!
        .drives.filter((d) => d.role === 'pool')
        .map((d) => d.id)
        .join(' ')}`,
    ]);
  });

  it('a two-node cluster gets a QDevice on a Pi and no HA group', () => {
    const doc = parseDocument(
      readFileSync(new URL('../../../examples/reference/beelab.yaml', import.meta.url), 'utf8'),
    );
    doc.deleteIn(['nodes', 2]);
    doc.deleteIn(['watchdogs', 0, 'targets', 2]);
    const parsed = parseSiteSpec(doc.toString());
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const two = resolveSite(parsed.spec!).site;
    expect(two.hosts.filter((h) => h.roles.includes('pve')).map((h) => h.name)).toEqual(['pve1', 'pve2']);
    const group = parse(renderSite(two).get('ansible/group_vars/pve.yml')!.content);
    expect(group.pve_qdevice_address).toBe(two.hosts.find((h) => h.name === 'wd1')!.address);
    expect(renderSite(two).get('ansible/playbooks/physical.yml')!.content).toContain('corosync-qnetd');
    expect(group.pve_ha_group).toBe('');
  });
});

describe('host firewall', () => {
  const site = exampleSite('reference');

  it('covers every flow that ends on a Debian host it guards, from exactly its sources', () => {
    let checked = 0;
    for (const host of site.hosts.filter((h) => isDebianFamily(h) && !hostFirewallExemption(site, h))) {
      const rules = hostFirewall(site, host);
      expect(rules.some((r) => r.ports.includes(22) && r.why.includes('ssh from management'))).toBe(true);
      for (const f of site.flows) {
        const to = f.to;
        const mine =
          (to.kind === 'host' && to.host === host.name) ||
          (to.kind === 'role' && host.roles.includes(to.role)) ||
          (to.kind === 'vlan' && to.vlan === host.vlan);
        if (!mine) continue;
        const from = f.from;
        if (from.kind === 'host' && from.host === host.name) continue;
        const members = from.kind === 'role' ? site.hosts.filter((h) => h.roles.includes(from.role)) : [];
        if (from.kind === 'role' && members.every((h) => h.name === host.name)) continue;
        const rule = rules.find((r) => r.proto === f.protocol && f.ports.every((p) => r.ports.includes(p)));
        expect(rule, `${host.name}: ${f.id}`).toBeDefined();
        if (f.from.kind === 'tailnet') expect(rule!.from).toContain(TAILNET_CIDR);
        if (f.from.kind === 'internet') expect(rule!.from).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('admits nothing else: the monitor host takes no scrape of its own exporter from apps', () => {
    const monitor = site.hosts.find((h) => h.name === 'monitor')!;
    const apps = site.hosts.find((h) => h.name === 'apps')!;
    const all = hostFirewall(site, monitor).flatMap((r) => r.from);
    expect(all).not.toContain(apps.address);
  });

  it('leaves Proxmox VE, k3s and the honeypot to their own packet filters, and says why', () => {
    for (const n of ['pve1', 'k3s-s1', 'tpot']) {
      const h = site.hosts.find((x) => x.name === n)!;
      expect(hostFirewallExemption(site, h), n).toMatch(/./);
    }
    expect(hostFirewallExemption(site, site.hosts.find((h) => h.name === 'pbs1')!)).toBeUndefined();
  });
});

describe('steps', () => {
  it('the reference build: nodes, storage, VMs, base, UPS in that order; the UPS step takes its secret', () => {
    const site = exampleSite('reference');
    const steps = physicalSteps(site, renderSite(site));
    expect(steps.map((s) => s.id)).toEqual([
      PHYSICAL_STEPS.nodes,
      PHYSICAL_STEPS.storage,
      PHYSICAL_STEPS.vms,
      PHYSICAL_STEPS.base,
      PHYSICAL_STEPS.ups,
    ]);
    expect(steps.find((s) => s.id === PHYSICAL_STEPS.ups)!.secrets).toEqual([NUT_SECRET]);
    const vms = steps.find((s) => s.id === PHYSICAL_STEPS.vms)!;
    expect(vms.hosts).not.toContain('fw');
    expect(vms.hosts).toContain('talos-cp1');
    expect(vms.rebuild).toEqual({ phase: 'vm', provisions: true });
    for (const s of steps) expect(s.inputs).toContain('ansible/playbooks/physical.yml');
  });
});
