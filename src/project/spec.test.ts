// Bad beelab.yaml files, one row each: every problem is reported with its line, column, quoted value and a hint.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../kernel/diagnostic.ts';
import { parseSiteSpec as parseSpec } from './spec.ts';

const BASE = `version: 1
tier: reference
site:
  name: demo
  domain: lab.example.com
  admin:
    sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g admin@laptop"]
`;

/** A node list the user wrote, to hang node-level mistakes on. */
const NODES = `nodes:
  - name: pve1
    role: primary
    memoryGb: 64
    drives:
      - { id: /dev/disk/by-id/nvme-A, role: system }
      - { id: /dev/disk/by-id/nvme-B, role: pool }
      - { id: /dev/disk/by-id/nvme-C, role: pool }
  - name: pbs1
    role: backup
`;

interface Case {
  name: string;
  yaml: string;
  code: string;
  /** Fragment the message (or hint) must contain. */
  text: string;
  /** Where the diagnostic must point: `LINE:TOKEN`, the column being where TOKEN starts on that line. */
  at: string;
}

const cases: Case[] = [
  {
    name: 'YAML syntax error',
    yaml: BASE.replace('domain: lab.example.com', 'domain: lab: example'),
    code: 'spec/yaml',
    text: 'Nested mappings are not allowed',
    at: '5:lab: example',
  },
  {
    name: 'duplicate key',
    yaml: `${BASE}tier: single\n`,
    code: 'spec/yaml',
    text: 'YAML syntax error',
    at: '8:tier',
  },
  {
    name: 'wrong type',
    yaml: `${BASE}production:\n  controlPlanes: three\n`,
    code: 'spec/schema',
    text: 'production.controlPlanes "three" must be a number',
    at: '9:three',
  },
  {
    name: 'unknown top-level key',
    yaml: `${BASE}productoin: {}\n`,
    code: 'spec/unknown-key',
    text: 'did you mean `production`?',
    at: '8:productoin',
  },
  {
    name: 'unknown nested key',
    yaml: `${BASE}network:\n  vlnas: []\n`,
    code: 'spec/unknown-key',
    text: 'did you mean `vlans`?',
    at: '9:vlnas',
  },
  {
    name: 'missing required field',
    yaml: 'version: 1\nsite:\n  name: demo\n',
    code: 'spec/schema',
    text: 'site.domain is required',
    at: '3:name',
  },
  {
    name: 'bad enum with suggestion',
    yaml: `${BASE}network:\n  firewall: { platform: opnsens }\n`,
    code: 'spec/schema',
    text: 'did you mean `opnsense`?',
    at: '9:opnsens',
  },
  {
    name: 'unknown tier',
    yaml: BASE.replace('tier: reference', 'tier: huge'),
    code: 'spec/schema',
    text: 'tier "huge" is not allowed',
    at: '2:huge',
  },
  {
    name: 'bad version',
    yaml: BASE.replace('version: 1', 'version: 2'),
    code: 'spec/schema',
    text: 'version 2',
    at: '1:2',
  },
  {
    name: 'bad site name',
    yaml: BASE.replace('name: demo', 'name: My_Lab'),
    code: 'spec/schema',
    text: 'site.name "My_Lab"',
    at: '4:My_Lab',
  },
  {
    name: 'bad domain',
    yaml: BASE.replace('lab.example.com', 'localhost'),
    code: 'spec/schema',
    text: 'site.domain "localhost"',
    at: '5:localhost',
  },
  {
    name: 'bad ssh key',
    yaml: BASE.replace(/\["ssh-ed25519[^\]]*\]/, '["hello"]'),
    code: 'spec/schema',
    text: 'OpenSSH public key',
    at: '7:"hello"',
  },
  {
    name: 'ssh key cut short (the blob does not hold a whole key): the check init uses',
    yaml: BASE.replace('AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g', 'AAAAIAECAwQFBgcICQ'),
    code: 'spec/schema',
    text: 'looks cut or corrupted',
    at: '7:"ssh-ed25519',
  },
  {
    name: 'drive named by kernel name instead of by-id: the check init uses',
    yaml: BASE + NODES.replace('/dev/disk/by-id/nvme-B', '/dev/sdb'),
    code: 'spec/schema',
    text: 'not a stable drive id',
    at: '14:/dev/sdb',
  },
  {
    name: 'public supernet',
    yaml: `${BASE}network:\n  supernet: 8.8.0.0/16\n`,
    code: 'net/supernet-public',
    text: '"8.8.0.0/16" is not a private range',
    at: '9:8.8.0.0/16',
  },
  {
    name: 'supernet with host bits',
    yaml: `${BASE}network:\n  supernet: 10.20.1.0/16\n`,
    code: 'net/supernet-invalid',
    text: 'host bits',
    at: '9:10.20.1.0/16',
  },
  {
    name: 'malformed CIDR',
    yaml: `${BASE}network:\n  supernet: 10.20.0.0\n`,
    code: 'spec/schema',
    text: 'must be an IPv4 CIDR',
    at: '9:10.20.0.0',
  },
  {
    name: 'overlapping VLAN subnets',
    yaml: `${BASE}network:\n  vlans:\n    - { name: mgmt, id: 10, purpose: management, cidr: 10.20.10.0/24 }\n    - { name: srv, id: 20, purpose: servers, cidr: 10.20.10.128/25 }\n`,
    code: 'net/overlap',
    text: 'overlaps network.vlans[0].cidr "10.20.10.0/24"',
    at: '11:10.20.10.128/25',
  },
  {
    name: 'subnet too small for its hosts',
    yaml: `${BASE}network:\n  vlans:\n    - { name: mgmt, id: 10, purpose: management, cidr: 10.20.10.0/29 }\n    - { name: srv, id: 20, purpose: servers }\n`,
    code: 'net/subnet-too-small',
    text: 'too small for',
    at: '10:10.20.10.0/29',
  },
  {
    name: 'VLAN outside the supernet',
    yaml: `${BASE}network:\n  vlans:\n    - { name: mgmt, id: 10, purpose: management, cidr: 192.168.1.0/24 }\n`,
    code: 'net/cidr-outside-supernet',
    text: 'outside the supernet 10.20.0.0/16',
    at: '10:192.168.1.0/24',
  },
  {
    name: 'duplicate VLAN id',
    yaml: `${BASE}network:\n  vlans:\n    - { name: mgmt, id: 10, purpose: management }\n    - { name: srv, id: 10, purpose: servers }\n`,
    code: 'net/vlan-duplicate-id',
    text: 'already used by network.vlans[0]',
    at: '11:10, purpose: servers',
  },
  {
    name: 'VLAN tag out of range',
    yaml: `${BASE}network:\n  vlans:\n    - { name: mgmt, id: 5000, purpose: management }\n`,
    code: 'net/vlan-id',
    text: 'use 2-4094',
    at: '10:5000',
  },
  {
    name: 'no management VLAN',
    yaml: `${BASE}network:\n  vlans:\n    - { name: srv, id: 20, purpose: servers }\n`,
    code: 'net/no-management',
    text: 'no VLAN with purpose management',
    at: '10:-',
  },
  {
    name: 'address outside its subnet',
    yaml: `${BASE}${NODES}`.replace('    memoryGb: 64\n', '    memoryGb: 64\n    address: 10.99.0.5\n'),
    code: 'net/address-outside-subnet',
    text: 'nodes[0].address "10.99.0.5" is outside VLAN mgmt (10.20.10.0/24)',
    at: '12:10.99.0.5',
  },
  {
    name: 'duplicate hostnames',
    yaml: `${BASE}${NODES}`.replace('name: pbs1', 'name: pve1'),
    code: 'host/duplicate-name',
    text: 'host name "pve1" is used twice (nodes[0].name and nodes[1].name)',
    at: '16:pve1',
  },
  {
    name: 'hostname clashing with a generated VM',
    yaml: `${BASE}${NODES}`.replace('name: pbs1', 'name: monitor'),
    code: 'host/duplicate-name',
    text: 'host name "monitor" is used twice',
    at: '16:monitor',
  },
  {
    name: 'duplicate addresses',
    yaml: `${BASE}${NODES}`
      .replace('    memoryGb: 64\n', '    memoryGb: 64\n    address: 10.20.10.20\n')
      .replace('    role: backup\n', '    role: backup\n    address: 10.20.10.20\n'),
    code: 'net/duplicate-address',
    text: 'nodes[1].address address "10.20.10.20" is already used by nodes[0].address',
    at: '19:10.20.10.20',
  },
  {
    name: 'drive used twice',
    yaml: `${BASE}${NODES}`.replace('nvme-C', 'nvme-B'),
    code: 'drive/duplicate',
    text: '"/dev/disk/by-id/nvme-B" is already used by nodes[0].drives[1]',
    at: '15:/dev/disk/by-id/nvme-B',
  },
  {
    name: 'too few pool drives for the layout',
    yaml: `${BASE}${NODES}storage: { layout: raidz2 }\n`,
    code: 'storage/drives',
    text: 'needs 4 pool drives',
    at: '13:- { id: /dev/disk/by-id/nvme-A',
  },
  {
    name: 'unknown app',
    yaml: `${BASE}apps: [immich, vaultwardn]\n`,
    code: 'app/unknown',
    text: 'did you mean `vaultwarden`?',
    at: '8:vaultwardn',
  },
  {
    name: 'app listed twice',
    yaml: `${BASE}apps: [immich, immich]\n`,
    code: 'app/duplicate',
    text: 'listed twice',
    at: '8:immich]',
  },
  {
    name: 'even number of Talos control planes',
    yaml: `${BASE}production: { controlPlanes: 2 }\n`,
    code: 'cluster/etcd-quorum',
    text: 'etcd needs a majority',
    at: '8:2',
  },
  {
    name: 'Talos workers without control planes',
    yaml: `${BASE}production: { controlPlanes: 0, workers: 2 }\n`,
    code: 'cluster/no-controlplane',
    text: 'workers without control planes',
    at: '8:2 }',
  },
  {
    name: 'watchdog target that does not exist',
    yaml: `${BASE}watchdogs:\n  - { name: wd1, relay: gpio, targets: [pve9] }\n`,
    code: 'watchdog/unknown-target',
    text: 'watchdogs[0].targets[0] "pve9" is not a host of this site',
    at: '9:pve9',
  },
  {
    name: 'smart-plug watchdog without a plug',
    yaml: `${BASE}watchdogs:\n  - { name: wd1, relay: shelly-gen2, targets: [pve1] }\n`,
    code: 'watchdog/relay-host',
    text: 'needs relayHost',
    at: '9:shelly-gen2',
  },
  { name: 'zero nodes', yaml: `${BASE}nodes: []\n`, code: 'nodes/none', text: 'nodes is empty', at: '8:[]' },
  {
    name: 'no primary node',
    yaml: `${BASE}nodes:\n  - { name: pve1, role: compute }\n`,
    code: 'nodes/no-primary',
    text: 'no node with role primary',
    at: '9:-',
  },
  {
    name: 'two AI heads',
    yaml: `${BASE}ai:\n  nodes:\n    - { name: m1, role: head }\n    - { name: m2, role: head }\n`,
    code: 'ai/two-heads',
    text: 'the mesh has one head',
    at: '11:head',
  },
  {
    name: 'backup mirror equal to primary',
    yaml: `${BASE}backup: { primary: pbs1, mirror: pbs1 }\n`,
    code: 'backup/mirror-same',
    text: 'is the primary itself',
    at: '8:pbs1 }',
  },
  {
    name: 'backup on an unknown node',
    yaml: `${BASE}backup: { primary: nas9 }\n`,
    code: 'backup/unknown-node',
    text: 'backup.primary "nas9" is not a node',
    at: '8:nas9',
  },
  {
    name: 'bad MAC',
    yaml: `${BASE}network:\n  firewall: { mac: "00:11:22:33:44" }\n`,
    code: 'spec/schema',
    text: 'lowercase MAC address',
    at: '9:"00:11',
  },
];

describe('parseSpec reports bad input', () => {
  it('has at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('$name', ({ yaml, code, text, at }) => {
    const { diagnostics } = parseSpec(yaml);
    const hit = diagnostics.find((d) => d.code === code && `${d.message} ${d.hint ?? ''}`.includes(text));
    expect(
      hit,
      `no ${code} containing "${text}" in:\n${diagnostics.map(formatDiagnostic).join('\n')}`,
    ).toBeDefined();
    const [line, token] = [Number(at.slice(0, at.indexOf(':'))), at.slice(at.indexOf(':') + 1)];
    const col = yaml.split('\n')[line - 1]!.indexOf(token) + 1;
    expect(col, `token ${token} not on line ${line}`).toBeGreaterThan(0);
    expect(`${hit!.location?.line}:${hit!.location?.col}`).toBe(`${line}:${col}`);
    expect(hit!.severity).toBe('error');
  });

  it('reports every problem at once', () => {
    const yaml = `${BASE}vlan: []\nproduction: { controlPlanes: 4 }\napps: [imich]\n`;
    const codes = parseSpec(yaml).diagnostics.map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['spec/unknown-key', 'cluster/etcd-quorum', 'app/unknown']));
  });

  it('accepts the base spec with no errors', () => {
    const { spec, diagnostics } = parseSpec(BASE);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(spec?.site.name).toBe('demo');
  });
});
