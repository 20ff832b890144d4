import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, makeSite, removeSites, where } from '../../../test/support/check-site.ts';
import { needTool } from '../../../test/support/tools.ts';
import { createFileSource } from '../file-source.ts';
import { ansibleInventory, declaredHosts } from './ansible-inventory.ts';
import { ansibleLint } from './ansible-lint.ts';
import { ansiblePlaybookSyntax } from './ansible-playbook-syntax.ts';

afterAll(removeSites);

const HINT = 'apt-get install ansible';
const INVENTORY = `all:
  children:
    pve:
      hosts:
        pve1:
          ansible_host: 10.0.0.11
        pve2:
    pis:
      hosts:
        pi-watchdog: {}
`;
const PLAYBOOK = `- name: Base setup
  hosts: pve
  gather_facts: false
  tasks:
    - name: Check reachability
      ansible.builtin.ping:
`;

describe.runIf(needTool('ansible-inventory', HINT))('ansible-inventory validator', () => {
  it('passes an inventory that lists every host it declares', async () => {
    const r = await checkWith(ansibleInventory, { 'ansible/inventory.yml': INVENTORY });
    expect(r.status).toBe('passed');
    expect(r.files).toBe(1);
    expect(r.diagnostics).toEqual([]);
  });

  it('fails a YAML error that ansible itself only warns about, at its line and column', async () => {
    const bad = INVENTORY.replace('        pve2:\n', '        pve2:\n       stray: x\n');
    const r = await checkWith(ansibleInventory, { 'ansible/inventory.yml': bad });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual(['ansible/inventory.yml:8:8 error ansible-inventory']);
    expect(r.diagnostics[0]!.message).toMatch(
      /^\* Failed to parse ansible\/inventory\.yml with yaml plugin: .*did not find expected key/,
    );
  });

  it('fails a structurally wrong inventory (hosts as a list)', async () => {
    const r = await checkWith(ansibleInventory, { 'ansible/inventory.yml': 'all:\n  hosts: [pve1, pve2]\n' });
    expect(r.status).toBe('failed');
    expect(r.diagnostics[0]!.message).toContain(
      'Invalid "hosts" entry for "all" group, requires a dictionary',
    );
    expect(r.diagnostics[0]!.location).toEqual({ file: 'ansible/inventory.yml' });
  });

  it('fails an inventory that parses but has no host', async () => {
    const r = await checkWith(ansibleInventory, {
      'ansible/inventory.yml': 'all:\n  vars:\n    ntp: pool.ntp.org\n',
    });
    expect(r.status).toBe('failed');
    expect(r.diagnostics.map((d) => d.message)).toEqual(['the inventory parses but lists no hosts']);
  });

  it('reads the hosts a YAML inventory declares, with their paths', () => {
    expect(declaredHosts(INVENTORY)).toEqual([
      { host: 'pve1', path: ['all', 'children', 'pve', 'hosts', 'pve1'] },
      { host: 'pve2', path: ['all', 'children', 'pve', 'hosts', 'pve2'] },
      { host: 'pi-watchdog', path: ['all', 'children', 'pis', 'hosts', 'pi-watchdog'] },
    ]);
  });
});

describe.runIf(needTool('ansible-playbook', HINT))('ansible-playbook --syntax-check validator', () => {
  it('picks playbooks by content, not task files, vars or the inventory', () => {
    const dir = makeSite({
      'ansible/site.yml': PLAYBOOK,
      'ansible/all.yml': '- import_playbook: site.yml\n',
      'ansible/inventory.yml': INVENTORY,
      'ansible/roles/base/tasks/main.yml': '- name: A task\n  ansible.builtin.ping:\n',
      'ansible/group_vars/all.yml': 'ntp: pool.ntp.org\n',
      'ansible/broken.yml': '- hosts: [\n',
      'k8s/list.yaml': '- a\n- b\n',
    });
    const files = [
      'ansible/all.yml',
      'ansible/broken.yml',
      'ansible/group_vars/all.yml',
      'ansible/inventory.yml',
    ];
    files.push('ansible/roles/base/tasks/main.yml', 'ansible/site.yml', 'k8s/list.yaml');
    expect(ansiblePlaybookSyntax.applies(files, createFileSource(dir))).toEqual([
      'ansible/all.yml',
      'ansible/broken.yml',
      'ansible/site.yml',
    ]);
  });

  it('passes a good playbook checked against the inventory beside it', async () => {
    const r = await checkWith(ansiblePlaybookSyntax, {
      'ansible/site.yml': PLAYBOOK,
      'ansible/inventory.yml': INVENTORY,
    });
    expect(r.status).toBe('passed');
    expect(r.files).toBe(1);
    expect(r.diagnostics).toEqual([]);
  });

  it('fails a bad task at the line and column ansible names', async () => {
    const bad = PLAYBOOK.replace(
      '      ansible.builtin.ping:\n',
      '      ansible.builtin.ping:\n      no_such_keyword: 1\n',
    );
    const r = await checkWith(ansiblePlaybookSyntax, {
      'ansible/site.yml': bad,
      'ansible/inventory.yml': INVENTORY,
    });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual(['ansible/site.yml:5:7 error ansible-playbook']);
    expect(r.diagnostics[0]!.message).toContain('conflicting action statements');
  });

  it('warns when a play targets a group the inventory does not have', async () => {
    const r = await checkWith(ansiblePlaybookSyntax, {
      'ansible/site.yml': PLAYBOOK.replace('hosts: pve', 'hosts: nosuchgroup'),
      'ansible/inventory.yml': INVENTORY,
    });
    expect(r.status).toBe('passed');
    expect(r.diagnostics.map((d) => [d.severity, d.message])).toEqual([
      ['warning', 'Could not match supplied host pattern, ignoring: nosuchgroup'],
    ]);
  });
});

describe.runIf(needTool('ansible-lint', 'apt-get install ansible-lint'))('ansible-lint validator', () => {
  it('passes clean content', async () => {
    const r = await checkWith(ansibleLint, {
      'ansible/site.yml': PLAYBOOK,
      'ansible/inventory.yml': INVENTORY,
    });
    expect(r.status).toBe('passed');
    expect(r.diagnostics).toEqual([]);
  });

  it('reports findings as warnings with file and line, so the validator still passes', async () => {
    const r = await checkWith(ansibleLint, {
      'ansible/site.yml': PLAYBOOK.replace('Check reachability', 'check reachability'),
    });
    expect(r.status).toBe('passed');
    expect(where(r)).toEqual(['ansible/site.yml:5: warning ansible-lint/name[casing]']);
    expect(r.diagnostics[0]!.hint).toMatch(/^see https:\/\/ansible-lint/);
  });

  it('is an error, not a clean pass, when ansible-lint cannot run (invalid .ansible-lint)', async () => {
    const r = await checkWith(ansibleLint, {
      'ansible/site.yml': PLAYBOOK,
      '.ansible-lint': 'profile: nosuch\n',
    });
    expect(r.status).toBe('failed');
    expect(r.diagnostics[0]!.message).toMatch(
      /^ansible-lint could not lint \(exit 3\): .*Invalid configuration file/s,
    );
  });
});
