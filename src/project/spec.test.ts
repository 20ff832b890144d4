// Bad beelab.yaml files, one row each: every problem is reported with its line, column, quoted value and a hint.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../kernel/diagnostic.ts';
import { RESERVED_ZONE_NAMES } from '../layers/network/policy/types.ts';
import { RESERVED_VLAN_NAMES } from '../spec/fields.ts';
import { parseSpec as parseSpecOnly } from '../spec/parse.ts';
import { SpecRuleBug } from '../spec/rules/index.ts';
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
    name: 'drive named by kernel name instead of by-id: the check init uses, an error with a hint',
    yaml: BASE + NODES.replace('/dev/disk/by-id/nvme-B', '/dev/sdb'),
    code: 'drive/unstable-id',
    text: 'nodes[0].drives[1].id "/dev/sdb" is not a stable drive id',
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
    text: 'needs at least 4 pool drives, pve1 has 2',
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
    name: 'two apps on one subdomain (the catalog gives both files.)',
    yaml: `${BASE}apps: [seafile, owncloud]\n`,
    code: 'app/subdomain-taken',
    text: 'owncloud would be served at files.lab.example.com, which seafile already uses',
    at: '8:owncloud]',
  },
  {
    name: 'an app given the subdomain of another',
    yaml: `${BASE}apps: [immich, { name: vaultwarden, subdomain: photos }]\n`,
    code: 'app/subdomain-taken',
    text: 'vaultwarden would be served at photos.lab.example.com, which immich already uses',
    at: '8:photos }]',
  },
  {
    name: "an app given a host's name",
    yaml: `${BASE}apps: [{ name: immich, subdomain: apps }]\n`,
    code: 'app/subdomain-host',
    text: 'the DNS name of the host apps',
    at: '8:apps }]',
  },
  {
    name: 'an app version without a digest',
    yaml: `${BASE}apps: [{ name: immich, version: v2.4.0 }]\n`,
    code: 'app/version-unpinned',
    text: 'apps[0].version "v2.4.0" has no digest',
    at: '8:v2.4.0 }]',
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
  {
    name: 'a backup schedule with a line break (it would have become a second key in jobs.cfg)',
    yaml: `${BASE}backup: { schedule: "*-*-* 02:00\\nnotes-template x" }\n`,
    code: 'spec/schema',
    text: 'must be one line of text',
    at: '8:"*-*-*',
  },
  {
    name: 'a hardware model with a line break (it reaches doc tables and the inventory)',
    yaml: BASE + NODES.replace('memoryGb: 64', 'memoryGb: 64\n    model: "MS-01\\nx"'),
    code: 'spec/schema',
    text: 'nodes[0].model',
    at: '12:"MS-01',
  },
  {
    name: 'a UPS driver that is no NUT driver name',
    yaml: `${BASE}ups: { driver: "usbhid-ups; reboot" }\n`,
    code: 'spec/schema',
    text: 'NUT driver name',
    at: '8:"usbhid',
  },
  {
    name: 'a drive id with a line break is shown quoted, on one line',
    yaml: BASE + NODES.replace('/dev/disk/by-id/nvme-B', '"/dev/disk/by-id/nvme-B\\nx"'),
    code: 'drive/unstable-id',
    text: '"/dev/disk/by-id/nvme-B\\nx" is not a stable drive id',
    at: '14:"/dev',
  },
];

/** 9 levels of 9 aliases each: a "billion laughs" (9^9 values if expanded). */
const LAUGHS =
  'x0: &a0 [l, l, l, l, l, l, l, l, l]\n' +
  Array.from({ length: 8 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]\n`).join(
    '',
  );

const VLANS = `network:\n  vlans:\n    - { name: mgmt, id: 10, purpose: management }\n`;
const withTz = (tz: string) => BASE.replace('  admin:', `  timezone: ${tz}\n  admin:`);
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g';
const fw = (body: string) => `${BASE}network:\n  firewall: { ${body} }\n`;
const alert = (type: string, target: string) =>
  `${BASE}observability:\n  alerts:\n    - type: ${type}\n      target: ${target}\n`;
/** A single node with a written address, on the default management VLAN 10.20.10.0/24. */
const nodeAt = (address: string) => `${BASE}nodes:\n  - { name: pve1, role: primary, address: ${address} }\n`;

/** Issue 9, items 1-5: inputs that crashed, were reported without a position or at the wrong one, or passed. */
const hardening: Case[] = [
  // 1. No internal error on any input.
  {
    name: 'alias to an undefined anchor',
    yaml: `${BASE}apps: *nope\n`,
    code: 'spec/yaml-alias',
    text: 'refers to no anchor &nope',
    at: '8:*nope',
  },
  {
    name: 'alias used before its anchor',
    yaml: `${BASE}apps: *later\nbackup: { schedule: &later daily }\n`,
    code: 'spec/yaml-alias',
    text: 'no anchor &later defined above',
    at: '8:*later',
  },
  {
    name: 'billion laughs (9x9 aliases)',
    yaml: `${BASE}${LAUGHS}`,
    code: 'spec/yaml-alias',
    text: 'aliases expand beelab.yaml to over 100,000 values',
    at: '13:*a4',
  },
  {
    name: 'alias inside its own anchor (a value containing itself)',
    yaml: `${BASE}apps: &a [immich, *a]\n`,
    code: 'spec/yaml-alias',
    text: 'would contain itself',
    at: '8:*a]',
  },
  {
    name: 'alias inside its own anchored map',
    yaml: `${BASE}backup: &b { mirror: *b }\n`,
    code: 'spec/yaml-alias',
    text: 'would contain itself',
    at: '8:*b',
  },
  {
    name: 'Linux firewall WAN with a colon',
    yaml: fw('platform: linux, wan: "eth0:1"'),
    code: 'spec/schema',
    text: 'is not an interface name (":" at position 5)',
    at: '9:"eth0:1"',
  },
  {
    name: 'Linux firewall trunk of 25 characters',
    yaml: fw('platform: linux, trunk: enp1s0f0np0abcdefghijkl'),
    code: 'spec/schema',
    text: 'a Linux interface name has at most 15',
    at: '9:enp1s0f0np0',
  },
  {
    name: 'firewall WAN with a slash',
    yaml: fw('platform: linux, wan: eth/0'),
    code: 'spec/schema',
    text: '("/" at position 4)',
    at: '9:eth/0',
  },
  {
    name: 'firewall WAN with a space',
    yaml: fw('platform: linux, wan: "eth 0"'),
    code: 'spec/schema',
    text: 'is not an interface name',
    at: '9:"eth 0"',
  },
  {
    name: 'firewall WAN with a double quote',
    yaml: fw(`platform: opnsense, wan: 'ig"c0'`),
    code: 'spec/schema',
    text: 'letters, digits, ., - and _',
    at: `9:'ig"c0'`,
  },
  {
    name: 'firewall trunk with <',
    yaml: fw('platform: pfsense, trunk: "igc<1"'),
    code: 'spec/schema',
    text: '("<" at position 4)',
    at: '9:"igc<1"',
  },
  {
    name: 'OPNsense WAN with a Linux name',
    yaml: fw('platform: opnsense, wan: enp1s0'),
    code: 'net/interface-name',
    text: 'is not a FreeBSD interface name',
    at: '9:enp1s0',
  },
  {
    name: 'pfSense trunk with a VLAN suffix',
    yaml: fw('platform: pfsense, trunk: igc1.20'),
    code: 'net/interface-name',
    text: 'e.g. igc0, em1, vtnet0, ix0',
    at: '9:igc1.20',
  },
  {
    name: 'VyOS WAN with a FreeBSD name',
    yaml: fw('platform: vyos, wan: igc0'),
    code: 'net/interface-name',
    text: 'VyOS names Ethernet NICs eth0, eth1',
    at: '9:igc0',
  },
  {
    name: 'VyOS trunk as a VLAN sub-interface',
    yaml: fw('platform: vyos, trunk: eth1.20'),
    code: 'net/interface-name',
    text: 'sub-interfaces (eth1.20) are generated',
    at: '9:eth1.20',
  },
  {
    name: 'node NIC with a space',
    yaml: `${BASE}nodes:\n  - name: pve1\n    role: primary\n    nic: { name: "enp 1s0" }\n`,
    code: 'spec/schema',
    text: 'is not an interface name',
    at: '11:"enp 1s0"',
  },
  // 2. Every error located, at the right place.
  ...['wan', 'any', 'internet', 'self', 'firewall', 'tailnet'].map((n) => ({
    name: `reserved VLAN name ${n}`,
    yaml: `${BASE}${VLANS}    - { name: ${n}, id: 20, purpose: servers }\n`,
    code: 'net/vlan-reserved-name',
    text: `"${n}" is reserved`,
    at: `11:${n}`,
  })),
  {
    name: 'one DNS name for a node and a service (grafana)',
    yaml: `${BASE}${NODES}`.replace('name: pbs1', 'name: grafana'),
    code: 'dns/duplicate-name',
    text: 'DNS name grafana.lab.example.com would point at both',
    at: '16:grafana',
  },
  {
    name: 'one DNS name for a node and a VIP',
    yaml: `${BASE}${NODES}`.replace('name: pbs1', 'name: k3s-api'),
    code: 'dns/duplicate-name',
    text: '(VIP k3s-api)',
    at: '16:k3s-api',
  },
  {
    name: 'two hosts with one MAC (node and device)',
    yaml: `${`${BASE}${NODES}`.replace(
      '    role: backup\n',
      '    role: backup\n    nic: { name: eno1, mac: "bc:24:11:00:00:07" }\n',
    )}devices:\n  - { name: nas, vlan: mgmt, mac: "bc:24:11:00:00:07" }\n`,
    code: 'net/duplicate-mac',
    text: 'is already used by nodes[1].nic.mac',
    at: '20:"bc:24:11:00:00:07"',
  },
  {
    name: 'a device named like a node',
    yaml: `${BASE}${NODES}devices:\n  - { name: pbs1, vlan: mgmt }\n`,
    code: 'host/duplicate-name',
    text: 'host name "pbs1" is used twice',
    at: '19:pbs1',
  },
  {
    name: 'device address outside its VLAN',
    yaml: `${BASE}devices:\n  - { name: nas, vlan: mgmt, address: 10.20.99.5 }\n`,
    code: 'net/address-outside-subnet',
    text: 'is outside VLAN mgmt (10.20.10.0/24)',
    at: '9:10.20.99.5',
  },
  {
    name: 'AI node address outside its VLAN',
    yaml: `${BASE}ai:\n  nodes:\n    - { name: m1, role: head, address: 10.20.10.50 }\n`,
    code: 'net/address-outside-subnet',
    text: 'outside VLAN ai',
    at: '10:10.20.10.50',
  },
  {
    name: 'unclosed flow sequence (at the bracket, not the next key)',
    yaml: `${BASE}apps: [immich, vaultwarden\nnodes: []\n`,
    code: 'spec/yaml',
    text: 'this [ is never closed',
    at: '8:[',
  },
  {
    name: 'unclosed nested flow sequence',
    yaml: `${BASE}apps: [immich, [a, b], vaultwarden\ntier: single\n`,
    code: 'spec/yaml',
    text: 'this [ is never closed',
    at: '8:[',
  },
  {
    name: 'unclosed flow map',
    yaml: `${BASE}backup: { primary: pbs1\nnodes: []\n`,
    code: 'spec/yaml',
    text: 'this { is never closed',
    at: '8:{',
  },
  {
    name: 'unclosed quote (at the quote, not the end of the file)',
    yaml: `${BASE}backup:\n  schedule: "daily\n  mirror: pbs2\n`,
    code: 'spec/yaml',
    text: 'this " is never closed',
    at: '9:"daily',
  },
  {
    name: 'unclosed single quote',
    yaml: `${BASE}backup:\n  schedule: 'daily\n  mirror: pbs2\n`,
    code: 'spec/yaml',
    text: "this ' is never closed",
    at: "9:'daily",
  },
  {
    name: 'key indented deeper than its siblings (at that key)',
    yaml: BASE.replace('  domain:', '   domain:'),
    code: 'spec/yaml',
    text: 'indented deeper than the key on line 4',
    at: '5:domain',
  },
  {
    name: 'key indented shallower than its siblings',
    yaml: BASE.replace('  domain:', ' domain:'),
    code: 'spec/yaml',
    text: 'All mapping items must start at the same column',
    at: '5:domain',
  },
  {
    name: 'list item continued at a wrong indent',
    yaml: `${BASE}nodes:\n  - name: a\n    role: primary\n   memoryGb: 3\n`,
    code: 'spec/yaml',
    text: 'YAML syntax error',
    at: '11:memoryGb',
  },
  {
    name: 'tab as indentation',
    yaml: BASE.replace('  domain:', '\tdomain:'),
    code: 'spec/yaml',
    text: 'Tabs are not allowed',
    at: '5:\t',
  },
  {
    name: 'complex mapping key (a list)',
    yaml: `${BASE}? [a, b]\n: 1\n`,
    code: 'spec/yaml-key',
    text: 'a list cannot be a key',
    at: '8:[a, b]',
  },
  {
    name: 'complex mapping key (a map)',
    yaml: `${BASE}site2:\n  ? { a: 1 }\n  : 2\n`,
    code: 'spec/yaml-key',
    text: 'a mapping cannot be a key',
    at: '9:{ a: 1 }',
  },
  {
    name: 'flow map with a list as key',
    yaml: `${BASE}backup: { [x]: 1 }\n`,
    code: 'spec/yaml-key',
    text: 'a list cannot be a key',
    at: '8:[x]',
  },
  {
    name: 'alias as a key',
    yaml: `${BASE}tier2: &k reference\nbackup: { *k : 1 }\n`,
    code: 'spec/yaml-key',
    text: 'a alias cannot be a key',
    at: '9:*k',
  },
  {
    name: 'too many Talos workers (at the count, not an unrelated VLAN)',
    yaml: `${BASE}production:\n  controlPlanes: 3\n  workers: 100\n`,
    code: 'net/subnet-too-small',
    text: '100 from production.workers',
    at: '10:100',
  },
  {
    name: 'too many k3s agents',
    yaml: `${BASE}devops:\n  servers: 1\n  agents: 120\n`,
    code: 'net/subnet-too-small',
    text: 'VLAN devops (10.20.30.0/24) is too small for',
    at: '10:120',
  },
  {
    name: 'supernet too small for the VLANs: located, no throw, a real suggestion',
    yaml: `${BASE}network:\n  supernet: 10.20.0.0/23\n`,
    code: 'net/supernet-full',
    text: 'use a /21 supernet',
    at: '9:10.20.0.0/23',
  },
  {
    name: 'a /16 full of VLANs is told a /15, not "a /16"',
    yaml: `${BASE}network:\n  supernet: 10.20.0.0/16\n  vlans:\n${Array.from({ length: 260 }, (_, i) => `    - { name: v${i + 1}, id: ${i + 2}, purpose: ${i === 0 ? 'management' : 'servers'} }\n`).join('')}`,
    code: 'net/supernet-full',
    text: 'use a /15 supernet',
    at: '267:v257',
  },
  // 3. Addresses checked, not only parsed.
  {
    name: 'host at the firewall (gateway) address',
    yaml: nodeAt('10.20.10.1'),
    code: 'net/address-collision',
    text: "is the firewall's own address on VLAN mgmt",
    at: '9:10.20.10.1',
  },
  {
    name: 'host at the network address',
    yaml: nodeAt('10.20.10.0'),
    code: 'net/address-collision',
    text: 'is the network address of VLAN mgmt',
    at: '9:10.20.10.0',
  },
  {
    name: 'host at the broadcast address',
    yaml: nodeAt('10.20.10.255'),
    code: 'net/address-collision',
    text: 'is the broadcast address of VLAN mgmt',
    at: '9:10.20.10.255',
  },
  {
    name: 'host inside the DHCP pool',
    yaml: nodeAt('10.20.10.150'),
    code: 'net/address-collision',
    text: 'is in the DHCP pool 10.20.10.100-10.20.10.199',
    at: '9:10.20.10.150',
  },
  {
    name: 'host inside the VIP range',
    yaml: nodeAt('10.20.10.5'),
    code: 'net/address-collision',
    text: 'is in the VIP range 10.20.10.2-10.20.10.9',
    at: '9:10.20.10.5',
  },
  {
    name: 'host inside the load-balancer range',
    yaml: nodeAt('10.20.10.210'),
    code: 'net/address-collision',
    text: 'is in the load-balancer range 10.20.10.200-10.20.10.254',
    at: '9:10.20.10.210',
  },
  {
    name: 'host address with a leading zero',
    yaml: nodeAt('10.20.010.50'),
    code: 'spec/schema',
    text: 'has a leading zero in "010"',
    at: '9:10.20.010.50',
  },
  {
    name: 'host address with a part over 255',
    yaml: nodeAt('10.20.10.256'),
    code: 'spec/schema',
    text: 'over 255',
    at: '9:10.20.10.256',
  },
  {
    name: 'watchdog inside the DHCP pool',
    yaml: `${BASE}watchdogs:\n  - { name: wd1, relay: gpio, targets: [pve1], address: 10.20.10.120 }\n`,
    code: 'net/address-collision',
    text: 'DHCP pool',
    at: '9:10.20.10.120',
  },
  {
    name: 'device at its VLAN gateway',
    yaml: `${BASE}devices:\n  - { name: nas, vlan: servers, address: 10.20.20.1 }\n`,
    code: 'net/address-collision',
    text: "firewall's own address on VLAN servers",
    at: '9:10.20.20.1',
  },
  {
    name: 'device address with a leading zero',
    yaml: `${BASE}devices:\n  - { name: nas, vlan: mgmt, address: 10.20.10.050 }\n`,
    code: 'net/address',
    text: 'leading zero',
    at: '9:10.20.10.050',
  },
  {
    name: "host in a small VLAN's VIP range (/26 layout)",
    yaml: `${BASE}network:\n  vlans:\n    - { name: mgmt, id: 10, purpose: management, cidr: 10.20.10.0/26 }\nnodes:\n  - { name: pve1, role: primary, address: 10.20.10.2 }\n`,
    code: 'net/address-collision',
    text: 'VIP range',
    at: '12:10.20.10.2',
  },
  // 4. Free text validated where a tool reads it.
  {
    name: 'unknown tag !include',
    yaml: `${BASE}apps: !include /etc/passwd\n`,
    code: 'spec/yaml-tag',
    text: 'Unresolved tag: !include',
    at: '8:!include',
  },
  {
    name: 'tag !!binary',
    yaml: `${BASE}ups: { model: !!binary aGk= }\n`,
    code: 'spec/yaml-tag',
    text: 'YAML tag !!binary is not supported',
    at: '8:!!binary',
  },
  {
    name: 'tag !!set',
    yaml: `${BASE}apps: !!set { immich }\n`,
    code: 'spec/yaml-tag',
    text: 'YAML tag !!set is not supported',
    at: '8:!!set',
  },
  {
    name: 'core tag with a value it cannot take (!!int x)',
    yaml: `${BASE}production: { workers: !!int x }\n`,
    code: 'spec/yaml-tag',
    text: 'Unresolved tag',
    at: '8:!!int',
  },
  {
    name: 'time zone with a path',
    yaml: withTz('../../etc/passwd'),
    code: 'spec/schema',
    text: 'is not a time zone',
    at: '6:../../etc/passwd',
  },
  {
    name: 'time zone on Mars',
    yaml: withTz('Mars/Olympus_Mons'),
    code: 'spec/schema',
    text: 'use an IANA time zone such as Europe/Berlin',
    at: '6:Mars/Olympus_Mons',
  },
  {
    name: 'time zone in the wrong case',
    yaml: withTz('europe/berlin'),
    code: 'spec/schema',
    text: 'is spelled Europe/Berlin',
    at: '6:europe/berlin',
  },
  {
    name: 'SSH key entry with a second key after a newline',
    yaml: BASE.replace(/\["ssh-ed25519[^\]]*\]/, `["${KEY} admin@laptop\\n${KEY} attacker"]`),
    code: 'spec/schema',
    text: 'the key contains a newline',
    at: '7:"ssh-ed25519',
  },
  {
    name: 'SSH key entry with a carriage return',
    yaml: BASE.replace(/\["ssh-ed25519[^\]]*\]/, `["${KEY} admin\\r"]`),
    code: 'spec/schema',
    text: 'a carriage return',
    at: '7:"ssh-ed25519',
  },
  {
    name: 'domain label starting with -',
    yaml: BASE.replace('lab.example.com', 'lab.-example.com'),
    code: 'spec/schema',
    text: 'starts or ends with -',
    at: '5:lab.-example.com',
  },
  {
    name: 'domain label ending with -',
    yaml: BASE.replace('lab.example.com', 'lab-.example.com'),
    code: 'spec/schema',
    text: 'starts or ends with -',
    at: '5:lab-.example.com',
  },
  {
    name: 'domain label of 64 characters',
    yaml: BASE.replace('lab.example.com', `${'a'.repeat(64)}.example.com`),
    code: 'spec/schema',
    text: 'a label of 64 characters',
    at: '5:aaaa',
  },
  {
    name: 'domain over 253 characters',
    yaml: BASE.replace('lab.example.com', `${Array(6).fill('a'.repeat(50)).join('.')}.com`),
    code: 'spec/schema',
    text: 'a domain has at most 253',
    at: '5:aaaa',
  },
  {
    name: 'multicast MAC',
    yaml: fw('mac: "01:00:5e:00:00:01"'),
    code: 'spec/schema',
    text: 'is a multicast MAC',
    at: '9:"01:00',
  },
  {
    name: 'broadcast MAC',
    yaml: fw('mac: "ff:ff:ff:ff:ff:ff"'),
    code: 'spec/schema',
    text: 'is the broadcast MAC',
    at: '9:"ff:',
  },
  {
    name: 'all-zero MAC',
    yaml: fw('mac: "00:00:00:00:00:00"'),
    code: 'spec/schema',
    text: 'is the all-zero MAC',
    at: '9:"00:',
  },
  {
    name: 'multicast MAC of a device',
    yaml: `${BASE}devices:\n  - { name: nas, vlan: mgmt, mac: "33:33:00:00:00:01" }\n`,
    code: 'net/mac',
    text: 'is a multicast MAC',
    at: '9:"33:33',
  },
  {
    name: 'e-mail alert that is not an address',
    yaml: alert('email', 'ops-team'),
    code: 'alerts/target',
    text: 'is not an e-mail address',
    at: '11:ops-team',
  },
  {
    name: 'e-mail alert with a header smuggled after a newline',
    yaml: alert('email', '"ops@example.com\\nBcc: evil@example.net"'),
    code: 'alerts/target',
    text: 'contains a newline',
    at: '11:"ops@',
  },
  {
    name: 'ntfy alert without a URL scheme',
    yaml: alert('ntfy', 'ntfy.sh/lab'),
    code: 'alerts/target',
    text: 'is not an http(s) URL',
    at: '11:ntfy.sh/lab',
  },
  {
    name: 'webhook alert with another scheme',
    yaml: alert('webhook', 'ftp://example.com/hook'),
    code: 'alerts/target',
    text: 'is not an http(s) URL',
    at: '11:ftp://',
  },
  {
    name: 'webhook alert with a newline',
    yaml: alert('webhook', '"https://example.com/a\\nb"'),
    code: 'alerts/target',
    text: 'whitespace or a control character',
    at: '11:"https',
  },
  {
    name: 'webhook alert with credentials in the URL',
    yaml: alert('webhook', 'https://user:pw@example.com/hook'),
    code: 'alerts/target',
    text: 'carries a user or password',
    at: '11:https',
  },
  {
    name: 'Matrix alert that is not a room',
    yaml: alert('matrix', 'lab-room'),
    code: 'alerts/target',
    text: 'is not a Matrix room',
    at: '11:lab-room',
  },
  {
    name: 'ZFS pool name with /.. and a space',
    yaml: `${BASE}storage: { pool: "tank/.. x" }\n`,
    code: 'spec/schema',
    text: 'is not a ZFS pool name',
    at: '8:"tank',
  },
  {
    name: 'ZFS pool name that is a vdev keyword',
    yaml: `${BASE}storage: { pool: mirror }\n`,
    code: 'spec/schema',
    text: 'is reserved by ZFS',
    at: '8:mirror',
  },
  {
    name: 'ZFS pool name starting with raidz',
    yaml: `${BASE}storage: { pool: raidz2data }\n`,
    code: 'spec/schema',
    text: 'names starting with "raidz"',
    at: '8:raidz2data',
  },
  {
    name: 'ZFS pool name starting with a digit',
    yaml: `${BASE}storage: { pool: 1tank }\n`,
    code: 'spec/schema',
    text: 'start with a letter',
    at: '8:1tank',
  },
  {
    name: 'ZFS pool name like a Solaris device',
    yaml: `${BASE}storage: { pool: c0t0 }\n`,
    code: 'spec/schema',
    text: 'Solaris device name',
    at: '8:c0t0',
  },
  {
    name: 'relay host with ; and a pipe',
    yaml: `${BASE}watchdogs:\n  - { name: wd1, relay: shelly-gen2, relayHost: "plug;reboot|sh", targets: [pve1] }\n`,
    code: 'spec/schema',
    text: 'is not a host name or IPv4 address',
    at: '9:"plug',
  },
  {
    name: 'relay host that is not an address',
    yaml: `${BASE}watchdogs:\n  - { name: wd1, relay: tasmota, relayHost: 10.20.10.300, targets: [pve1] }\n`,
    code: 'spec/schema',
    text: 'over 255',
    at: '9:10.20.10.300',
  },
  {
    name: 'relay host with a URL',
    yaml: `${BASE}watchdogs:\n  - { name: wd1, relay: pikvm, relayHost: "http://kvm", targets: [pve1] }\n`,
    code: 'spec/schema',
    text: 'is not a host name or IPv4 address',
    at: '9:"http',
  },
  // 5. Port collisions on a host.
  {
    name: "gateway port on the head's Ollama port",
    yaml: `${BASE}ai:\n  gatewayPort: 11434\n`,
    // ai/port-clash only: the generic service/port-collision at the same place is superseded (said once).
    code: 'ai/port-clash',
    text: 'gatewayPort 11434 is the port of ollama on ai-head, which runs the gateway',
    at: '9:11434',
  },
  {
    name: "gateway port on the head's MLX port",
    yaml: `${BASE}ai:\n  gatewayPort: 8081\n  nodes:\n    - { name: m1, role: head, backends: [mlx] }\n`,
    code: 'ai/port-clash',
    text: 'gatewayPort 8081 is the port of mlx on m1, which runs the gateway',
    at: '9:8081',
  },
  {
    name: 'gateway port on node_exporter',
    yaml: `${BASE}ai:\n  gatewayPort: 9100\n`,
    code: 'service/port-collision',
    text: 'by node-exporter (metrics)',
    at: '9:9100',
  },
  {
    name: 'gateway port on ssh',
    yaml: `${BASE}ai:\n  gatewayPort: 22\n`,
    code: 'service/port-collision',
    text: 'tcp/22 on ai-head is used twice: by ssh',
    at: '9:22',
  },
  {
    name: 'own service on ssh',
    yaml: `${BASE}services:\n  - name: game\n    host: apps\n    description: a game server\n    ports: [{ name: play, port: 22 }]\n`,
    code: 'service/port-collision',
    text: 'tcp/22 on apps is used twice: by ssh',
    at: '12:22',
  },
  {
    name: 'own service on the AI gateway port',
    yaml: `${BASE}services:\n  - name: game\n    host: ai-head\n    description: a game server\n    ports: [{ name: web, port: 80 }, { name: play, port: 4000 }]\n`,
    code: 'service/port-collision',
    text: 'by ai-gateway (http) and by game (play)',
    at: '12:4000',
  },
];

const allCases = [...cases, ...hardening];

describe('parseSpec reports bad input', () => {
  it('has at least 25 cases, and a row for every class of issue 9 items 1-5', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(hardening.length).toBeGreaterThanOrEqual(80);
  });

  it.each(allCases)('$name', ({ yaml, code, text, at }) => {
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

const errorsOf = (yaml: string | Uint8Array) =>
  parseSpec(yaml).diagnostics.filter((d) => d.severity === 'error');

describe('every error at once, and rules never throw', () => {
  it('a supernet too small for the VLANs hides nothing else', () => {
    const yaml = `${BASE}network:\n  supernet: 10.20.0.0/24\n  vlans:\n    - { name: mgmt, id: 10, purpose: management }\n    - { name: any, id: 20, purpose: servers }\napps: [imich]\nproduction: { controlPlanes: 2 }\n`;
    const codes = errorsOf(yaml).map((d) => d.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'net/supernet-full',
        'net/vlan-reserved-name',
        'app/unknown',
        'cluster/etcd-quorum',
      ]),
    );
    for (const d of errorsOf(yaml)) expect(d.location?.line, d.message).toBeGreaterThan(1);
  });

  it('a rule that throws on a valid spec is a bug (SpecRuleBug naming the rule), not a user error', () => {
    const boom = function boom(): never {
      throw new Error('kaput');
    };
    expect(() => parseSpecOnly(BASE, 'beelab.yaml', { extraRules: [boom] })).toThrow(SpecRuleBug);
    expect(() => parseSpecOnly(BASE, 'beelab.yaml', { extraRules: [boom] })).toThrow(
      /spec rule boom threw.*kaput/,
    );
  });

  it('on a spec the schema rejected, a throwing rule is skipped and the schema errors still show', () => {
    const boom = (): never => {
      throw new Error('kaput');
    };
    const { diagnostics } = parseSpecOnly(`${BASE}productoin: {}\n`, 'beelab.yaml', { extraRules: [boom] });
    expect(diagnostics.map((d) => d.code)).toContain('spec/unknown-key');
  });

  it('the reserved VLAN names are the firewall policy zone names', () => {
    expect([...RESERVED_VLAN_NAMES].sort()).toEqual([...RESERVED_ZONE_NAMES].sort());
  });

  it('120 aliases of a legitimate anchor are fine, and the data is expanded', () => {
    const wds = Array.from(
      { length: 120 },
      (_, i) => `  - { name: wd${i + 1}, relay: gpio, targets: *t }\n`,
    ).join('');
    const r = parseSpec(
      `${BASE}${NODES}watchdogs:\n  - { name: wd0, relay: gpio, targets: &t [pve1] }\n${wds}`,
    );
    expect(r.diagnostics.filter((d) => d.code.startsWith('spec/yaml'))).toEqual([]);
    expect(r.spec?.watchdogs).toHaveLength(121);
    expect(r.spec?.watchdogs?.[120]?.targets).toEqual(['pve1']);
    // A tree, not a graph: changing one entry's targets changes no other.
    r.spec!.watchdogs![1]!.targets.push('x');
    expect(r.spec?.watchdogs?.[2]?.targets).toEqual(['pve1']);
  });
});

describe('what is allowed stays allowed', () => {
  it.each(
    [
      [
        'Europe/Berlin',
        'UTC',
        'Etc/UTC',
        'Etc/GMT+5',
        'America/Argentina/Buenos_Aires',
        'US/Eastern',
        'Europe/Kyiv',
      ],
    ].flat(),
  )('time zone %s', (tz) => {
    expect(errorsOf(withTz(tz))).toEqual([]);
  });

  it.each([
    ['opnsense', 'igc0', 'igc1'],
    ['opnsense', 'vtnet0', 'vtnet1'],
    ['pfsense', 'em0', 'ix1'],
    ['vyos', 'eth0', 'eth1'],
    ['linux', 'enp1s0', 'enp2s0f0np0'],
    ['linux', 'eth0.100', 'br-lan'],
  ])('%s NICs %s and %s', (platform, wan, trunk) => {
    expect(errorsOf(fw(`platform: ${platform}, wan: ${wan}, trunk: ${trunk}`))).toEqual([]);
  });

  it('VyOS with the default NIC names (not written) is not an error: they map to eth0 and eth1', () => {
    expect(errorsOf(fw('platform: vyos'))).toEqual([]);
  });

  it.each([
    ['email', 'ops@example.com'],
    ['ntfy', 'https://ntfy.sh/my-lab'],
    ['webhook', 'http://10.20.10.5:8080/hook?x=1'],
    ['matrix', '"!abc123:matrix.org"'],
  ])('%s alert %s', (type, target) => {
    expect(errorsOf(alert(type, target))).toEqual([]);
  });

  it.each(['10.20.10.10', '10.20.10.99'])('a host at %s, in the static range', (address) => {
    expect(errorsOf(nodeAt(address))).toEqual([]);
  });

  it('a 63-character domain label, a relay host by name and by address, a pool name with . : - _', () => {
    const yaml = `${BASE.replace('lab.example.com', `${'a'.repeat(63)}.example.com`)}storage: { pool: data_1.x:y-z }\nwatchdogs:\n  - { name: wd1, relay: shelly-gen2, relayHost: plug-pve1, targets: [pve1] }\n  - { name: wd2, relay: tasmota, relayHost: 10.20.10.80, targets: [pve2] }\n`;
    expect(errorsOf(yaml)).toEqual([]);
  });
});
